"""Our own ESC/POS encoder: laid-out lines to the bytes a printer receives.

Why not python-escpos's ``text()``: its magic encoding picks a code page per line, and version 3.1 only
switches to a Chinese encoding for a line that contains a hanzi, so "￥12.50" alone prints as "?12.50".
We encode every line as GB18030 ourselves (a superset of GBK that Chinese printers read in their
character mode), select that mode once with FS &, and hand the bytes to the backend raw.
"""
from . import commands
from .config import PrinterConfig
from .layout import Element, QrCode, layout_receipt
from .receipt import Receipt


def encode_elements(elements: list[Element], *, codec: str = "gb18030", chinese_mode: bool = True,
                    cut: str = "partial", feed_lines: int = 4) -> bytes:
    """Encode laid-out lines: reset, Chinese mode, each line with its style changes, then feed and cut.

    Styles are sent only when they change, and reset before the QR code and the cut, so a stream decodes
    to the same text whatever the printer's state was.
    """
    out = bytearray(commands.INIT)
    if chinese_mode:
        out += commands.CHINESE_MODE_ON
    state = {"align": "left", "bold": False, "double": False}
    for element in elements:
        if isinstance(element, QrCode):
            out += _set_style(state, "center", False, False)
            # The entry number is ASCII, but encode with the codec anyway so any text survives.
            out += commands.qr_code(element.data.encode(codec, errors="replace"))
            continue
        out += _set_style(state, element.align, element.bold, element.double)
        # errors="replace" only matters for narrower codecs (GBK, Big5): GB18030 encodes all of Unicode.
        out += element.text.encode(codec, errors="replace") + commands.LF
    out += _set_style(state, "left", False, False)
    if cut != "none":
        out += commands.feed(feed_lines) + commands.cut(cut)
    return bytes(out)


def _set_style(state: dict, align: str, bold: bool, double: bool) -> bytes:
    """Commands that move the printer from ``state`` to the wanted style; updates ``state``."""
    out = b""
    if state["align"] != align:
        out += commands.align(align)
    if state["bold"] != bold:
        out += commands.bold(bold)
    if state["double"] != double:
        out += commands.double_size(double)
    state.update(align=align, bold=bold, double=double)
    return out


def encode_receipt(receipt: Receipt, config: PrinterConfig) -> bytes:
    """Lay out and encode a receipt for one printer's paper width, codec, QR and cut settings."""
    elements = layout_receipt(receipt, config.line_columns, qr=config.qr)
    return encode_elements(elements, codec=config.codec, chinese_mode=config.chinese_mode, cut=config.cut,
                           feed_lines=config.feed_lines)
