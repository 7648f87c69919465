"""The offline link: notices within about a second that the server is gone, drains the outbox in order once it
is back (while taps go on), refreshes the snapshot, and keeps the blacklist current (event stream + polling).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

import requests

from pos.api_client import ApiClient, ServerError, ServerRefused
from pos.event_hub import EventHub
from pos.health import HealthBoard
from pos.offline.charging import OfflineCharger
from pos.offline.config import OfflineSettings
from pos.offline.outbox import Outbox, OutboxDamaged
from pos.offline.snapshot import Snapshot, SnapshotInvalid
from pos.status_words import SERVER_DOWN_OFFLINE, SERVER_UP

log = logging.getLogger(__name__)
#: Consecutive failed probes after which the terminal is offline.
PROBES_TO_OFFLINE = 2
#: The terminal reports its offline state at least this often (at once when it changes).
HEARTBEAT_SECONDS = 30.0


class OfflineLink:
    """Owns the outbox, the snapshot and the threads that keep them in step with the server."""

    def __init__(self, settings: OfflineSettings, client: ApiClient, data_dir, terminal_key: str, hub: EventHub,
                 board: HealthBoard) -> None:
        self.settings, self.client, self.hub, self.board = settings, client, hub, board
        self.snapshot = Snapshot(data_dir / "snapshot.json", terminal_key)
        damaged = None
        try:
            self.outbox: Outbox | None = Outbox(data_dir / "outbox.db", client.terminal_id, terminal_key)
        except OutboxDamaged as exc:
            log.error("%s: offline charging stops until it is repaired", exc)
            self.outbox, damaged = None, str(exc)
        self.charger = OfflineCharger(settings, self.outbox, self.snapshot, damaged)
        self.online = True
        self.last_error: str | None = damaged
        #: The server's refusal code when `last_error` quotes the server's own (Chinese) sentence.
        self.error_code: str | None = None
        self._failures = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._poll_now = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_snapshot = 0.0
        self._last_poll = 0.0
        self._probe = requests.Session()
        self._published: dict | None = None
        self._reported: dict | None = None
        self._last_report = 0.0
        #: Receipts waiting at the till's printer (set by the till; None: no printer), sent in the heartbeat.
        self.print_pending: Callable[[], int | None] = lambda: None

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> "OfflineLink":
        """Start the sync thread and the blacklist stream listener."""
        for name, target in (("pos-offline-sync", self._run), ("pos-blacklist-stream", self._listen)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop both threads; the outbox keeps what is pending."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(5)

    def went_offline(self) -> None:
        """A request just failed for want of an answer: go offline now, the probe brings the terminal back."""
        self._failures = PROBES_TO_OFFLINE
        self._set_online(False)

    # -- state ---------------------------------------------------------------------------------------------
    def state(self) -> dict:
        """What the page shows: online or not, whether it charges offline, pending charges, blacklist version,
        snapshot time, last error."""
        stats = self.outbox.stats() if self.outbox else None
        body = self.snapshot.body or {}
        return {"online": self.online, "enabled": self.settings.enabled,
                "pending": stats.pending if stats else None, "last_seq": stats.last_seq if stats else None,
                "blacklist_version": self.snapshot.version,
                "snapshot_at": body.get("generated_at"), "error": self.last_error, "error_code": self.error_code}

    def _publish(self) -> None:
        state = self.state()
        if state != self._published:
            self._published = state
            self.hub.publish("offline", state, sticky=True)

    def _set_online(self, up: bool) -> None:
        if up != self.online:
            log.warning("server %s", "reachable again" if up else "out of reach: offline mode")
            self.online = up
            self.board.set("server", up, SERVER_UP if up else SERVER_DOWN_OFFLINE)
        self._publish()

    # -- the sync thread -----------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._cycle()
            except Exception:  # noqa: BLE001 - the sync thread must survive anything one cycle does
                log.exception("offline sync cycle failed")
            self._wake.wait(self.settings.probe_seconds)
            self._wake.clear()

    def probe(self) -> bool:
        """One quick health probe (timeout = the probe interval)."""
        try:
            response = self._probe.get(self.client.base_url + "/healthz", timeout=self.settings.probe_seconds)
            return response.status_code == 200
        except requests.RequestException:
            self._probe = requests.Session()
            return False

    def _cycle(self) -> None:
        if self.probe():
            self._failures = 0
            self._set_online(True)
        else:
            self._failures += 1
            if self._failures >= PROBES_TO_OFFLINE:
                self._set_online(False)
            return
        if self.outbox is not None and not self.drain():
            return
        now = time.monotonic()
        if self._poll_now.is_set() or now - self._last_poll >= self.settings.poll_seconds:
            self._poll_now.clear()
            self.poll_blacklist()
        pending = self.outbox.stats().pending if self.outbox else 0
        if pending == 0 and (self.snapshot.body is None or now - self._last_snapshot >= self.settings.snapshot_seconds):
            self.refresh_snapshot()
        self.report_state()
        self._publish()

    def report_state(self, force: bool = False) -> bool:
        """Tell the server this terminal's blacklist version, snapshot time and outbox (when they changed, or
        every HEARTBEAT_SECONDS); the admin's terminal page shows them."""
        state = self.state()
        report = {"blacklist_version": state["blacklist_version"], "snapshot_at": state["snapshot_at"],
                  "outbox_pending": state["pending"] or 0, "outbox_last_seq": state["last_seq"] or 0}
        waiting = self.print_pending()
        if waiting is not None:
            report["print_pending"] = waiting
        now = time.monotonic()
        if not force and report == self._reported and now - self._last_report < HEARTBEAT_SECONDS:
            return False
        try:
            self.client.post("/api/v1/terminal/heartbeat", report,
                             key=f"heartbeat-{report['blacklist_version']}-{report['outbox_last_seq']}"
                                 f"-{waiting if waiting is not None else ''}")
        except (ServerRefused, ServerError) as exc:
            log.warning("terminal state not reported: %s", exc)
            return False
        self._reported, self._last_report = report, now
        return True

    def drain(self) -> bool:
        """Send pending charges in order until none are left; False if the server refused or vanished."""
        while not self._stop.is_set():
            items = self.outbox.pending(self.settings.batch)
            if not items:
                return True
            try:
                reply = self.client.post("/api/v1/sync/offline-charges", {"items": items},
                                         key=f"offline-sync-{items[0]['seq']}")
            except ServerRefused as exc:
                self.last_error, self.error_code = f"{exc.code}: {exc.message}", exc.code
                log.error("offline sync refused: %s", self.last_error)
                self._publish()
                return False
            except ServerError as exc:
                log.warning("offline sync interrupted: %s", exc)
                self.went_offline()
                return False
            results = reply.body["results"]
            self.outbox.settle(results)
            refused = next((r for r in results if r["status"] == "refused"), None)
            if refused is not None:
                self.last_error, self.error_code = f"{refused['code']} (#{refused['seq']})", None
                log.error("offline item %s refused by the server: %s", refused["seq"], refused["code"])
                self._publish()
                return False
            self.last_error = self.error_code = None
            self._publish()
        return False

    def refresh_snapshot(self) -> bool:
        """Fetch and verify a new snapshot; a failed seal keeps the old one."""
        settled = self.outbox.settled_through() if self.outbox else 0
        try:
            body = self.client.get("/api/v1/sync/snapshot").body
            self.snapshot.replace(body, settled)
        except SnapshotInvalid as exc:
            self.last_error, self.error_code = f"snapshot_invalid: {exc}", None
            log.error("snapshot refused: %s", exc)
            return False
        except ServerError as exc:
            log.warning("snapshot not refreshed: %s", exc)
            return False
        self._last_snapshot = time.monotonic()
        return True

    def poll_blacklist(self) -> None:
        """Apply card changes after the local blacklist version."""
        self._last_poll = time.monotonic()
        try:
            body = self.client.get("/api/v1/sync/blacklist", params={"since": self.snapshot.version}).body
        except ServerError as exc:
            log.warning("blacklist poll failed: %s", exc)
            return
        if body["changes"] or body["version"] != self.snapshot.version:
            self.snapshot.apply_changes(body["version"], body["changes"])
            self._publish()

    # -- the event stream ----------------------------------------------------------------------------------
    def _listen(self) -> None:
        headers = self.client._headers(None, None)
        while not self._stop.is_set():
            try:
                with requests.get(self.client.base_url + "/api/v1/terminal/events", headers=headers, stream=True,
                                  timeout=(1.0, 5.0)) as response:
                    if response.status_code != 200:
                        raise requests.RequestException(f"HTTP {response.status_code}")
                    for line in response.iter_lines(decode_unicode=True):
                        if self._stop.is_set():
                            return
                        if line and line.startswith("data:"):
                            version = json.loads(line[5:]).get("version")
                            if version is not None and version != self.snapshot.version:
                                self._poll_now.set()
                                self._wake.set()
            except (requests.RequestException, ValueError) as exc:
                log.debug("terminal event stream: %s", exc)
            self._stop.wait(1.0)


def utc_now() -> datetime:
    """Now, aware, UTC."""
    return datetime.now(timezone.utc)
