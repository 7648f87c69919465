"""A keyboard-wedge reader as an event source, so the terminal treats it like any other reader.

The wedge types into whatever has focus, normally the terminal page in the till's browser; the page collects the
burst and hands it to `feed_burst`, or hands single keys with their timestamps to `feed_key`. A wedge reports no
removal and no health of its own, so only `CardPresented` and `CardError` come out of it, plus one `ReaderState`
at start.
"""
from __future__ import annotations

import time

from cardreader.errors import CardReadError
from cardreader.events import CONNECTED, CardError, CardPresented, EventSink, ReaderState, as_sink, deliver
from cardreader.wedge import WedgeCollector, WedgeFormat, parse_wedge_burst

DEFAULT_NAME = "Keyboard-wedge reader"


class WedgeReader:
    """Turns keyboard-wedge bursts into card events, in the configured `fmt`."""

    def __init__(self, sink: EventSink, fmt: WedgeFormat | str = WedgeFormat.DECIMAL_LE,
                 name: str = DEFAULT_NAME, max_gap_s: float = 0.05) -> None:
        self.name = name
        self.format = WedgeFormat.parse(fmt)
        self._sink = as_sink(sink)
        self._collector = WedgeCollector(max_gap_s=max_gap_s)
        self._started = False

    def start(self) -> "WedgeReader":
        """Report the reader; its real state cannot be observed through a keyboard, so it is assumed present."""
        self._started = True
        deliver(self._sink, ReaderState(name=self.name, state=CONNECTED,
                                        detail=f"keyboard wedge, format {self.format.value}; state not observable"))
        return self

    def stop(self, timeout: float = 0.0) -> None:
        """Ignore further input."""
        self._started = False
        self._collector.reset()

    @property
    def running(self) -> bool:
        """True between `start()` and `stop()`."""
        return self._started

    def __enter__(self) -> "WedgeReader":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def feed_burst(self, burst: str, monotonic: float | None = None) -> None:
        """A whole burst (without the Enter) typed at `monotonic` time: emit the card or why it was refused."""
        if not self._started:
            return
        seen = time.monotonic() if monotonic is None else monotonic
        try:
            uid = parse_wedge_burst(burst, self.format)
        except CardReadError as exc:
            deliver(self._sink, CardError.from_exception(exc, self.name, monotonic=seen))
        else:
            deliver(self._sink, CardPresented(uid=uid, reader=self.name, monotonic=seen))

    def feed_key(self, key: str, at: float) -> None:
        """One key pressed at monotonic time `at`; a fast burst ended by Enter becomes a card event."""
        if not self._started:
            return
        burst = self._collector.feed(key, at)
        if burst is not None:
            self.feed_burst(burst, monotonic=at)
