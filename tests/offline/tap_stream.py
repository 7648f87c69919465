"""A till tapping the way a real one does, for the tests that break the server side (tests/offline/test_faults.py,
tests/ops/test_standby_takes_over.py): online with retries under one key; when no answer comes, offline into the
outbox under that key. Afterwards the outbox drains and every tap it acknowledged is in the ledger exactly once.
"""
import random
import threading
import time

from sqlalchemy import func, select

from canteen.models import JournalEntry
from pos.api_client import ServerRefused, ServerUnreachable
from pos.offline.charging import OfflineRefused
from tests.offline.faults import wait_until


class TapStream:
    """Taps on a thread until stopped; remembers every tap it acknowledged to the diner."""

    def __init__(self, link, uids) -> None:
        self.link, self.uids = link, uids
        self.online: list[str] = []
        self.offline = 0
        self.refused: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        rng = random.Random(7)
        while not self._stop.is_set():
            uid = rng.choice(self.uids)
            try:
                reply = self.link.client.post("/api/v1/taps", {"uid": uid})
                self.online.append(reply.key)
            except ServerUnreachable as exc:
                try:
                    self.link.charger.charge(uid, online_key=exc.body.get("key"))
                    self.offline += 1
                except OfflineRefused as refusal:
                    self.refused.append(refusal.code)
            except ServerRefused as exc:
                self.refused.append(exc.code)
            time.sleep(0.005)

    @property
    def acknowledged(self) -> int:
        """Taps the diner was told succeeded."""
        return len(self.online) + self.offline


def drain(link, timeout: float = 60) -> float:
    """Send the outbox until it is empty (an interrupted batch goes again, as the till's sync thread does);
    returns the seconds it took."""
    started = time.monotonic()
    wait_until(lambda: link.drain() and link.outbox.stats().pending == 0, timeout, "outbox drained")
    return time.monotonic() - started


def assert_booked_once(session, terminal_id: int, stream: TapStream) -> int:
    """As many meals booked for the terminal as it acknowledged taps, each online answer's key among them (an
    offline charge under the key of an online tap the server had booked is its duplicate, not a second meal).
    Returns the meals booked."""
    booked = session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.terminal_id == terminal_id, JournalEntry.kind == "meal"))
    assert booked == stream.acknowledged, (booked, len(stream.online), stream.offline, stream.refused[:5])
    keys = [f"t{terminal_id}:{key}" for key in stream.online]
    found = session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.idempotency_key.in_(keys)))
    assert found == len(keys)
    return booked
