"""What a card reader tells the terminal: immutable events delivered to a sink.

Every reader source (PC/SC monitor, in-process virtual reader, keyboard wedge) emits the same four event types, so
the terminal handles a real reader, the demo and a wedge reader with one code path. Each event carries two clocks:
`at` (aware UTC wall time, for logs and the page) and `monotonic` (`time.monotonic()`, for measuring latency; a
benchmark subtracts a `CardPresented.monotonic` from its own `time.monotonic()` later in the same process).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Protocol, Union

from cardreader.errors import MESSAGES, CardReadError

log = logging.getLogger(__name__)

#: The reader is there and being watched.
CONNECTED = "connected"
#: No reader matching the configured name pattern is plugged in.
ABSENT = "absent"
#: The PC/SC daemon (pcscd) cannot be reached, so no reader can be seen at all.
PCSCD_DOWN = "pcscd_down"
READER_STATES = (CONNECTED, ABSENT, PCSCD_DOWN)

#: What the page shows for each reader state.
READER_STATE_MESSAGES = {
    CONNECTED: "读卡器正常",
    ABSENT: "未检测到读卡器，请检查读卡器连接",
    PCSCD_DOWN: "读卡服务（pcscd）未运行，正在重新连接",
}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class CardPresented:
    """A card was tapped and its UID read; the only event that may lead to a charge.

    `at` and `monotonic` are taken when the reader reported the card present, before the UID was read, so the
    time spent reading counts towards the tap latency.
    """

    uid: str
    reader: str
    at: datetime = field(default_factory=_utc_now)
    monotonic: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class CardRemoved:
    """The card left the reader."""

    reader: str
    at: datetime = field(default_factory=_utc_now)
    monotonic: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class CardError:
    """A card was seen but refused or not read; `code` is one of `cardreader.errors`, `message` is for the page."""

    code: str
    message: str
    reader: str
    detail: str = ""
    at: datetime = field(default_factory=_utc_now)
    monotonic: float = field(default_factory=time.monotonic)

    @classmethod
    def from_exception(cls, exc: CardReadError, reader: str, at: datetime | None = None,
                       monotonic: float | None = None) -> "CardError":
        """The event for a refused read, stamped with when the card was seen (defaults to now)."""
        return cls(code=exc.code, message=exc.message, reader=reader, detail=exc.detail,
                   at=at or _utc_now(), monotonic=time.monotonic() if monotonic is None else monotonic)

    @classmethod
    def of(cls, code: str, reader: str, detail: str = "") -> "CardError":
        """The event for `code` with its standard Chinese message."""
        return cls(code=code, message=MESSAGES[code], reader=reader, detail=detail)


@dataclass(frozen=True)
class ReaderState:
    """The health of the reader, for the page's status light: `state` is connected, absent or pcscd_down.

    `name` is the reader's name when one is known (else the configured pattern); `detail` says why, in English,
    for the log and the cashier's tooltip.
    """

    name: str
    state: str
    detail: str = ""
    at: datetime = field(default_factory=_utc_now)
    monotonic: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.state not in READER_STATES:
            raise ValueError(f"unknown reader state {self.state!r}")

    @property
    def message(self) -> str:
        """The Chinese sentence for the page."""
        return READER_STATE_MESSAGES[self.state]


ReaderEvent = Union[CardPresented, CardRemoved, CardError, ReaderState]
EventSink = Callable[[ReaderEvent], None]


class _Putter(Protocol):
    def put(self, item: ReaderEvent) -> None: ...


def as_sink(target: EventSink | _Putter) -> EventSink:
    """Accept either a callback or a queue (anything with `put`) as the place events go."""
    put = getattr(target, "put", None)
    if callable(put):
        return put
    if callable(target):
        return target
    raise TypeError(f"an event sink must be callable or have put(), not {type(target).__name__}")


def deliver(sink: EventSink, event: ReaderEvent) -> None:
    """Hand `event` to `sink`; a failing consumer is logged, never allowed to stop the reader loop."""
    try:
        sink(event)
    except Exception:  # noqa: BLE001 - the reader must keep running whatever the consumer does
        log.exception("card event sink failed on %r", event)
