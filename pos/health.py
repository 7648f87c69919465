"""Health of the till's three parts (reader, printer, server) for the page's status lights.

The :class:`HealthBoard` keeps the latest state of each and publishes a sticky ``health`` event whenever one
changes, so every page shows it at once. The :class:`HealthMonitor` thread asks the server and the printer every
few seconds; the reader reports its own state through the supervisor.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from pos.event_hub import EventHub
from pos.status_words import CHECKING, PRINTER_UNKNOWN, SERVER_DOWN, SERVER_UP, words

log = logging.getLogger(__name__)
PARTS = ("reader", "printer", "server")


class HealthBoard:
    """The latest ``{"ok": bool|None, "message": str, "text": str}`` of each part (``text``: the message id a page
    in another language translates, see :mod:`pos.status_words`)."""

    def __init__(self, hub: EventHub) -> None:
        self._hub = hub
        self._lock = threading.Lock()
        self._parts = {part: {"ok": None, "message": CHECKING, "text": CHECKING} for part in PARTS}
        self._extra: dict[str, object] = {}

    def set(self, part: str, ok: bool | None, text: str, *, args: dict | None = None, message: str | None = None,
            **extra: object) -> None:
        """Record a part's state, said by message id `text` filled from `args` (or, on a Chinese page, by a fuller
        `message`); publish only when something changed."""
        if part not in PARTS:
            raise ValueError(f"unknown part {part!r}")
        state = {"ok": ok, "message": message or words(text, args), "text": text, **extra}
        if args:
            state["args"] = args
        with self._lock:
            if self._parts[part] == state:
                return
            self._parts[part] = state
            snapshot = self._snapshot()
        log.info("health %s: %s", part, state)
        self._hub.publish("health", snapshot, sticky=True)

    def snapshot(self) -> dict:
        """Every part's state."""
        with self._lock:
            return self._snapshot()

    def _snapshot(self) -> dict:
        return {part: dict(state) for part, state in self._parts.items()}


class HealthMonitor:
    """A daemon thread that polls the server and the printer every `interval` seconds."""

    def __init__(self, board: HealthBoard, check_server: Callable[[], bool],
                 check_printer: Callable[[], tuple[bool | None, str, dict]], interval: float = 5.0) -> None:
        self.board, self.interval = board, interval
        self._check_server, self._check_printer = check_server, check_printer
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_now(self) -> None:
        """Ask both once."""
        try:
            up = self._check_server()
        except Exception:  # noqa: BLE001 - a health probe must never kill the monitor
            log.exception("server health check failed")
            up = False
        self.board.set("server", up, SERVER_UP if up else SERVER_DOWN)
        try:
            ok, text, extra = self._check_printer()
        except Exception:  # noqa: BLE001
            log.exception("printer health check failed")
            ok, text, extra = False, PRINTER_UNKNOWN, {}
        self.board.set("printer", ok, text, **extra)

    def start(self) -> "HealthMonitor":
        """Start polling."""
        self._thread = threading.Thread(target=self._run, name="pos-health", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check_now()
            self._stop.wait(self.interval)
