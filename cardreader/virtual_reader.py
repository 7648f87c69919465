"""An in-process virtual reader for the demo: taps from code or a button, no pcscd, same events as PC/SC.

A tap runs the card's GET DATA answer through the same parser as the PC/SC monitor, so a random or short UID is
refused in the demo exactly as at a real till. Events are delivered synchronously from the calling thread.
"""
from __future__ import annotations

import threading

from cardreader.errors import CardReadError
from cardreader.events import (ABSENT, CONNECTED, CardError, CardPresented, CardRemoved, EventSink,
                               ReaderEvent, ReaderState, as_sink, deliver)
from cardreader.uid import SW_OK, parse_get_uid_response

DEFAULT_NAME = "Canteen virtual reader"


class VirtualReader:
    """A reader whose cards are tapped by calling `tap(uid)`; `start()`/`stop()` mirror the PC/SC monitor."""

    def __init__(self, sink: EventSink, name: str = DEFAULT_NAME) -> None:
        self.name = name
        self._sink = as_sink(sink)
        self._lock = threading.RLock()  # re-entrant: a sink may tap again from its callback
        self._started = False
        self._plugged = True

    def start(self) -> "VirtualReader":
        """Report the reader as connected."""
        with self._lock:
            self._started = True
            self._plugged = True
            self._emit(ReaderState(name=self.name, state=CONNECTED, detail="in-process virtual reader"))
        return self

    def stop(self, timeout: float = 0.0) -> None:
        """Stop accepting taps (nothing runs in the background, so `timeout` is unused)."""
        with self._lock:
            self._started = False

    @property
    def running(self) -> bool:
        """True between `start()` and `stop()`."""
        return self._started

    def __enter__(self) -> "VirtualReader":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def tap(self, uid: str | bytes) -> None:
        """A card with `uid` (hex or bytes) is put on the reader, read and taken away."""
        raw = bytes.fromhex(uid.replace(" ", "")) if isinstance(uid, str) else bytes(uid)
        self.tap_answer(raw + bytes(SW_OK))

    def tap_answer(self, response: bytes) -> None:
        """A card that answers GET DATA with `response` (UID + SW, or anything a broken card might say)."""
        with self._lock:
            self._require_ready()
            try:
                uid = parse_get_uid_response(response)
            except CardReadError as exc:
                self._emit(CardError.from_exception(exc, self.name))
            else:
                self._emit(CardPresented(uid=uid, reader=self.name))
            self._emit(CardRemoved(reader=self.name))

    def pull_mid_read(self) -> None:
        """A card snatched away before its UID could be read."""
        self.tap_answer(b"")

    def unplug(self) -> None:
        """The reader's cable is pulled: the page should show the reader absent."""
        with self._lock:
            self._plugged = False
            self._emit(ReaderState(name=self.name, state=ABSENT, detail="virtual reader unplugged"))

    def replug(self) -> None:
        """The reader is back."""
        with self._lock:
            self._plugged = True
            self._emit(ReaderState(name=self.name, state=CONNECTED, detail="virtual reader plugged in again"))

    def _require_ready(self) -> None:
        if not self._started:
            raise RuntimeError("virtual reader is not started")
        if not self._plugged:
            raise RuntimeError("virtual reader is unplugged; replug() it before tapping")

    def _emit(self, event: ReaderEvent) -> None:
        deliver(self._sink, event)
