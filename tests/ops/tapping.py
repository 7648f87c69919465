"""Terminals tapping over real HTTP, the way the lane does: one idempotency key per tap, retried with the same
key until the server answers, so an answer lost to a failing server books at most once."""
import itertools
import threading
import time
import uuid
from dataclasses import dataclass

import requests


@dataclass
class Ack:
    """One acknowledged tap: its key, the entry the server booked, when the answer came (monotonic), and by the
    wall clock when the tap was first sent and when it was answered (what a recovery target time compares)."""

    key: str
    entry_id: int
    at: float
    sent_wall: float = 0.0
    answered_wall: float = 0.0


@dataclass
class Terminal:
    code: str
    key: str


class Tapper(threading.Thread):
    """One terminal tapping `uids` in turn against `base_url` until stopped."""

    def __init__(self, base_url: str, terminal: Terminal, uids: list[str], pause: float = 0.0):
        super().__init__(daemon=True, name=f"tapper-{terminal.code}")
        self.base_url, self.terminal, self.uids, self.pause = base_url, terminal, uids, pause
        self.acks: list[Ack] = []
        self.refusals: list[str] = []
        self.retries = 0
        self.last_failure: float | None = None  # monotonic time of the last failed attempt
        self.gaps: list[float] = []  # seconds from a failed attempt's start to the retry that succeeded
        self._halt = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        for uid in itertools.cycle(self.uids):
            if self._halt.is_set():
                break
            self._tap(session, uid, f"{self.terminal.code}-{uuid.uuid4().hex}")
            if self.pause:
                time.sleep(self.pause)

    def tap_once(self, uid: str) -> Ack | None:
        """One tap with a new key, retried until answered; its acknowledgement, or None if it was refused."""
        count = len(self.acks)
        self._tap(requests.Session(), uid, f"{self.terminal.code}-{uuid.uuid4().hex}")
        return self.acks[-1] if len(self.acks) > count else None

    def _tap(self, session, uid: str, key: str) -> None:
        headers = {"X-Terminal-Id": self.terminal.code, "X-Terminal-Key": self.terminal.key, "Idempotency-Key": key}
        first_failure = None
        sent_wall = time.time()
        while True:
            started = time.monotonic()
            try:
                answer = session.post(f"{self.base_url}/api/v1/taps", json={"uid": uid}, headers=headers, timeout=10)
            except requests.RequestException:
                answer = None
            if answer is not None and answer.status_code == 200:
                self.acks.append(Ack(key, answer.json()["entry"]["id"], time.monotonic(), sent_wall, time.time()))
                if first_failure is not None:
                    self.gaps.append(time.monotonic() - first_failure)
                return
            if answer is not None and 400 <= answer.status_code < 500 and answer.status_code not in (408, 429):
                self.refusals.append(f"{answer.status_code} {answer.text[:200]}")
                return
            # No answer or a server error: the same key again (the server books it at most once).
            first_failure = first_failure or started
            self.last_failure = started
            self.retries += 1
            if self._halt.is_set() and time.monotonic() - first_failure > 60:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=90)
