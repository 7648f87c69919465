"""Which reader a terminal uses and how, from configuration, and building that reader.

Keys are read from any mapping: `os.environ`, or the terminal's Flask config when it uses the same names.

| key                          | default      | meaning                                                        |
|------------------------------|--------------|----------------------------------------------------------------|
| `CANTEEN_CARD_READER`        | `pcsc`       | `pcsc` (pcscd + pyscard), `wedge` (keyboard) or `virtual`      |
| `CANTEEN_READER_PATTERN`     | (any reader) | substring or regex of the PC/SC reader name                    |
| `CANTEEN_READER_POLL_MS`     | `200`        | longest PC/SC wait; bounds how long stopping the monitor takes |
| `CANTEEN_WEDGE_FORMAT`       | `decimal_le` | `hex`, `decimal_le` or `decimal_be`                            |
| `CANTEEN_WEDGE_MAX_GAP_MS`   | `50`         | longest pause between two keys of one wedge burst              |
| `CANTEEN_VPCD_HOST` / `_PORT`| `127.0.0.1` / `35963` | where `canteen virtual-card` finds vpcd               |
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

from cardreader.events import EventSink
from cardreader.vpcd import DEFAULT_HOST, DEFAULT_PORT
from cardreader.wedge import WedgeFormat

READER_KINDS = ("pcsc", "wedge", "virtual")


class ReaderSource(Protocol):
    """What every reader offers the terminal: start, stop, and whether it runs."""

    def start(self) -> "ReaderSource": ...

    def stop(self, timeout: float = ...) -> None: ...

    @property
    def running(self) -> bool: ...


def _int(mapping: Mapping[str, object], key: str, default: int) -> int:
    value = mapping.get(key)
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise ValueError(f"{key} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"{key} must be positive, not {number}")
    return number


@dataclass(frozen=True)
class ReaderSettings:
    """The card reader configuration of one terminal."""

    kind: str = "pcsc"
    pattern: str = ""
    poll_ms: int = 200
    wedge_format: WedgeFormat = WedgeFormat.DECIMAL_LE
    wedge_max_gap_ms: int = 50
    vpcd_host: str = DEFAULT_HOST
    vpcd_port: int = DEFAULT_PORT

    def __post_init__(self) -> None:
        if self.kind not in READER_KINDS:
            raise ValueError(f"unknown card reader kind {self.kind!r}; use one of {', '.join(READER_KINDS)}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> "ReaderSettings":
        """Settings from `CANTEEN_*` keys (see the module docstring); a bad value fails at startup, loudly."""
        return cls(
            kind=str(mapping.get("CANTEEN_CARD_READER") or "pcsc").strip().lower(),
            pattern=str(mapping.get("CANTEEN_READER_PATTERN") or ""),
            poll_ms=_int(mapping, "CANTEEN_READER_POLL_MS", 200),
            wedge_format=WedgeFormat.parse(mapping.get("CANTEEN_WEDGE_FORMAT") or WedgeFormat.DECIMAL_LE),
            wedge_max_gap_ms=_int(mapping, "CANTEEN_WEDGE_MAX_GAP_MS", 50),
            vpcd_host=str(mapping.get("CANTEEN_VPCD_HOST") or DEFAULT_HOST),
            vpcd_port=_int(mapping, "CANTEEN_VPCD_PORT", DEFAULT_PORT),
        )


def open_reader(settings: ReaderSettings, sink: EventSink) -> ReaderSource:
    """Build the configured reader, started, sending its events to `sink` (callable or queue)."""
    if settings.kind == "wedge":
        from cardreader.wedge_reader import WedgeReader
        return WedgeReader(sink, settings.wedge_format, max_gap_s=settings.wedge_max_gap_ms / 1000).start()
    if settings.kind == "virtual":
        from cardreader.virtual_reader import VirtualReader
        return VirtualReader(sink).start()
    # Imported here so terminals using a wedge or the demo run without pyscard installed.
    from cardreader.pcsc import PcscReaderMonitor
    return PcscReaderMonitor(sink, settings.pattern, poll_ms=settings.poll_ms).start()
