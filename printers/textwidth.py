"""Column arithmetic for receipt paper, where a hanzi or full-width sign takes two columns.

Thermal printers print an ASCII character in one column (12 dots) and a GB18030 double-byte character in two
(24 dots), which matches Unicode's East Asian Width W and F classes for the characters a receipt uses.
"""
import unicodedata

ALIGNMENTS = ("left", "center", "right")


def char_width(char: str) -> int:
    """Columns one character takes: 2 for East Asian Wide/Full-width, 0 for combining marks, else 1."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns a string takes on paper."""
    return sum(char_width(char) for char in text)


def _tokens(text: str) -> list[str]:
    """Split text into wrap units: runs of ASCII non-space (words, numbers, amounts), single other characters."""
    tokens: list[str] = []
    for char in text:
        if tokens and char.isascii() and not char.isspace() and tokens[-1][-1:].isascii() \
                and not tokens[-1][-1].isspace():
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _split_long(token: str, width: int) -> list[str]:
    """Cut a token wider than the line into pieces that fit, character by character."""
    pieces, current = [], ""
    for char in token:
        if current and text_width(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return pieces + [current] if current else pieces


def wrap(text: str, width: int) -> list[str]:
    """Wrap text into lines of at most ``width`` columns.

    Hanzi may break anywhere; ASCII words (card numbers, amounts) stay whole unless longer than a line.
    Always returns at least one line, so an empty value still occupies its row.
    """
    if width < 2:
        raise ValueError(f"cannot wrap into {width} columns")
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        if text_width(current + token) <= width:
            current += token
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = ""
        if token.isspace():
            continue
        pieces = _split_long(token, width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def align(text: str, how: str, columns: int) -> str:
    """Pad a line that fits in ``columns`` to the left for center/right alignment; never adds trailing spaces."""
    if how not in ALIGNMENTS:
        raise ValueError(f"unknown alignment {how!r}")
    spare = max(columns - text_width(text), 0)
    if how == "center":
        return " " * (spare // 2) + text
    if how == "right":
        return " " * spare + text
    return text


def label_value(label: str, value: str, columns: int) -> list[str]:
    """Lay out ``label ........ value`` with the value right-aligned on the last line.

    A label too long for the row wraps; a value wider than half the row gets rows of its own, right-aligned,
    so an amount is never cut.
    """
    value_width = text_width(value)
    if value_width > columns // 2:
        rows = wrap(label, columns) if label else []
        return rows + [align(part, "right", columns) for part in wrap(value, columns)]
    rows = wrap(label, columns - value_width - 1) if label else [""]
    last = rows[-1]
    rows[-1] = last + " " * (columns - text_width(last) - value_width) + value
    return rows
