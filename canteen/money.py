"""Money as people key and read it: yuan text <-> integer fen, without floats.

The one definition of reading an amount a person typed (:func:`parse_yuan`) and of showing one (:func:`yuan`,
:func:`yuan_sign`), and of showing a count (:func:`count`); the server, the back office, the terminal and the
documents all use these. Pure: no database, no Flask, so the terminal imports it too.
"""
import re

from canteen.errors import DomainError

#: A plain amount of yuan as a person types it: digits, optionally a point and one or two decimals.
#: At most 9 digits before the point (10 million yuan), far above any limit, so the text never becomes a
#: number no column can hold.
_YUAN = re.compile(r"([0-9]{1,9})(?:\.([0-9]{1,2}))?")


def parse_yuan(text, *, allow_zero: bool = False, limit: int | None = None) -> int:
    """``"12.5"`` -> 1250 fen. Refused with ``invalid_amount``: anything but a plain non-negative amount with at
    most two decimals (no sign, grouping, exponent or currency sign), zero unless `allow_zero`, and more than
    `limit` fen when a limit is given. Surrounding blanks are ignored; None and "" read as zero."""
    raw = "" if text is None else str(text)
    stripped = raw.strip() or "0"
    match = _YUAN.fullmatch(stripped)
    if match is None:
        raise DomainError("invalid_amount", raw[:20])
    fen = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if (fen == 0 and not allow_zero) or (limit is not None and fen > limit):
        raise DomainError("invalid_amount", stripped[:20])
    return fen


def yuan(fen, *, grouped: bool = True) -> str:
    """Fen as ``-1,234.50`` (``-1234.50`` when not `grouped`); None as an empty string."""
    if fen is None:
        return ""
    fen = int(fen)
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    whole = f"{fen // 100:,}" if grouped else str(fen // 100)
    return f"{sign}{whole}.{fen % 100:02d}"


def yuan_sign(fen, *, grouped: bool = True) -> str:
    """Fen as ``￥1,234.50`` (``-￥3.00`` below zero), what a diner or cashier reads; None as ""."""
    if fen is None:
        return ""
    text = yuan(fen, grouped=grouped)
    return f"-￥{text[1:]}" if text.startswith("-") else f"￥{text}"


def count(number) -> str:
    """A count as people read it: ``1,234`` (``-12`` below zero); None as ""."""
    if number is None:
        return ""
    return f"{int(number):,}"
