"""Printer status as the till shows it, decoded from ESC/POS real-time status bytes (DLE EOT n).

python-escpos's ``is_online()`` and ``paper_status()`` read the same bytes, but report a closed connection
as merely offline and a printer that never answers as having paper, so the bits are decoded here.
"""
from dataclasses import dataclass

PAPER_STATES = ("ok", "near_end", "out", "unknown")

# Every DLE EOT answer has bit 1 and bit 4 set and bits 0 and 7 clear; anything else is not a status byte.
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_OFFLINE_BIT = 0x08          # DLE EOT 1, bit 3
_PAPER_NEAR_END_BITS = 0x0C  # DLE EOT 4, bits 2-3
_PAPER_OUT_BITS = 0x60       # DLE EOT 4, bits 5-6


@dataclass(frozen=True)
class PrinterStatus:
    """Whether the printer is online and how much paper it has; None/``unknown`` where it cannot tell."""

    online: bool | None = None
    #: ``ok``, ``near_end``, ``out`` or ``unknown``
    paper: str = "unknown"
    #: why the status could not be read (unreachable, no answer), for the page
    error: str | None = None

    @property
    def ready(self) -> bool:
        """True unless the printer is known to be unable to print now."""
        return self.error is None and self.online is not False and self.paper != "out"


def is_status_byte(value: int) -> bool:
    """True when ``value`` has the fixed bits of a DLE EOT answer."""
    return value & _FIXED_MASK == _FIXED_BITS


def decode_online(value: int) -> bool | None:
    """Online flag from a DLE EOT 1 answer; None when the byte is not a status answer."""
    if not is_status_byte(value):
        return None
    return not value & _OFFLINE_BIT


def decode_paper(value: int) -> str:
    """Paper state from a DLE EOT 4 answer: ``ok``, ``near_end``, ``out`` or ``unknown``."""
    if not is_status_byte(value):
        return "unknown"
    if value & _PAPER_OUT_BITS:
        return "out"
    if value & _PAPER_NEAR_END_BITS:
        return "near_end"
    return "ok"


def encode_online(online: bool) -> int:
    """The DLE EOT 1 answer a printer gives, for the test printer."""
    return _FIXED_BITS | (0 if online else _OFFLINE_BIT)


def encode_paper(paper: str) -> int:
    """The DLE EOT 4 answer a printer gives, for the test printer (paper out also sets near end, as Epson does)."""
    bits = {"ok": 0, "near_end": _PAPER_NEAR_END_BITS, "out": _PAPER_OUT_BITS | _PAPER_NEAR_END_BITS}
    if paper not in bits:
        raise ValueError(f"paper state must be ok, near_end or out, not {paper!r}")
    return _FIXED_BITS | bits[paper]
