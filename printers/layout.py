"""Receipt layout: a :class:`~printers.receipt.Receipt` becomes lines for a paper width. Pure, no I/O.

58 mm paper holds 32 columns and 80 mm paper 48 (font A, 12x24 dots). A hanzi takes two columns. Lines
come out already padded, except centred lines, which the printer centres (ESC a) and previews pad.
"""
from dataclasses import dataclass

from .money import format_fen
from .receipt import Field, Receipt
from .textwidth import align, label_value, text_width, wrap

#: columns of font A per paper width in millimetres
PAPER_COLUMNS = {58: 32, 80: 48}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
COPY_MARK = "【副本】"


@dataclass(frozen=True)
class TextLine:
    """One printed line with its style; ``double`` is double width and height."""

    text: str
    align: str = "left"
    bold: bool = False
    double: bool = False


@dataclass(frozen=True)
class QrCode:
    """A QR code symbol, centred, holding ``data``."""

    data: str


Element = TextLine | QrCode


def columns_for_paper(paper_mm: int) -> int:
    """Columns for a paper width in mm (58 or 80)."""
    try:
        return PAPER_COLUMNS[paper_mm]
    except KeyError:
        raise ValueError(f"unsupported paper width {paper_mm} mm (use 58 or 80)") from None


def layout_receipt(receipt: Receipt, columns: int, *, qr: bool = False) -> list[Element]:
    """Lay out a receipt for ``columns`` columns; with ``qr`` a QR code of the entry number ends it."""
    if columns < 24:
        raise ValueError(f"{columns} columns is too narrow for a receipt")
    out: list[Element] = []
    if receipt.copy:
        # A reprint must never pass for the original: the mark is the first and largest thing on the slip.
        out.append(TextLine(COPY_MARK, "center", bold=True, double=True))
    out += [TextLine(part, "center", bold=True) for part in wrap(receipt.canteen, columns)]
    # Double-size text is twice as wide, so the title wraps at half the columns.
    out += [TextLine(part, "center", double=True) for part in wrap(receipt.title, columns // 2)]
    out.append(_rule(columns))
    out += _header(receipt, columns)
    for block in (receipt.lines, receipt.totals, receipt.balances):
        if block:
            out.append(_rule(columns))
            out += _rows(block, columns)
    for section in receipt.sections:
        out.append(_rule(columns))
        out.append(TextLine(section.title, bold=True))
        out += _rows(section.rows, columns)
    footer = _footer(receipt, columns)
    if footer:
        out.append(_rule(columns))
        out += footer
    if qr and receipt.entry_no:
        out.append(QrCode(receipt.entry_no))
    return out


def preview_text(elements: list[Element], columns: int, *, cut: bool = True) -> str:
    """Plain text of laid-out lines as they sit on paper (double size shown single); markers for QR and cut.

    The ESC/POS decoder yields exactly this text from the printed bytes, which is what tests compare.
    """
    lines = []
    for element in elements:
        if isinstance(element, QrCode):
            lines.append(f"[QR:{element.data}]")
        else:
            lines.append(align(element.text, element.align, columns))
    if cut:
        lines.append("[CUT]")
    return "\n".join(lines) + "\n"


def receipt_text(receipt: Receipt, columns: int, *, qr: bool = False, cut: bool = True) -> str:
    """Shortcut: the preview text of a receipt at a width."""
    return preview_text(layout_receipt(receipt, columns, qr=qr), columns, cut=cut)


def _rule(columns: int) -> TextLine:
    """A full-width dashed separator."""
    return TextLine("-" * columns)


def _header(receipt: Receipt, columns: int) -> list[TextLine]:
    """Terminal, operator, entry number, time and extra info as ``label：value`` lines."""
    pairs = [("终端", receipt.terminal), ("操作员", receipt.operator), ("流水号", receipt.entry_no),
             ("时间", receipt.time.strftime(TIME_FORMAT))]
    pairs += [(row.label, _value_text(row)) for row in receipt.info]
    return [TextLine(part) for label, value in pairs if value for part in wrap(f"{label}：{value}", columns)]


def _value_text(row: Field) -> str:
    """The right-hand text of a row without a count: the formatted amount, else the value."""
    if row.amount is not None:
        return format_fen(row.amount)
    return row.value or ""


def _rjust(text: str, width: int) -> str:
    """Right-justify by display columns (``str.rjust`` counts a hanzi as one)."""
    return " " * max(width - text_width(text), 0) + text


def _rows(rows: tuple[Field, ...], columns: int) -> list[TextLine]:
    """Label/value rows; when any row has a count, counts and amounts line up in two right-hand columns."""
    if not any(row.count is not None for row in rows):
        return [TextLine(part) for row in rows for part in label_value(row.label, _value_text(row), columns)]
    counts = [f"{row.count}笔" if row.count is not None else "" for row in rows]
    values = [_value_text(row) for row in rows]
    count_width = max(text_width(text) for text in counts)
    value_width = max(text_width(text) for text in values)
    out = []
    for row, count, value in zip(rows, counts, values, strict=True):
        right = _rjust(count, count_width) + "  " + _rjust(value, value_width)
        out += [TextLine(part) for part in label_value(row.label, right, columns)]
    return out


def _footer(receipt: Receipt, columns: int) -> list[TextLine]:
    """Centred footer lines, then for a copy the reprint time and operator."""
    out = [TextLine(part, "center") for text in receipt.footer for part in wrap(text, columns)]
    if receipt.copy:
        notes = ["本单为副本（重打）"]
        if receipt.reprinted_at:
            notes.append(f"重打时间：{receipt.reprinted_at.strftime(TIME_FORMAT)}")
        if receipt.reprinted_by:
            notes.append(f"重打人：{receipt.reprinted_by}")
        out += [TextLine(part, bold=True) for text in notes for part in wrap(text, columns)]
    return out
