"""An HTML preview of a receipt, from the same bytes the printer gets (for the admin's receipt preview).

The preview is monospace text ``columns`` characters wide; hanzi are set to exactly two character cells
so columns line up as on paper. Markers (cut, QR code) are drawn as small labelled boxes.
"""
from html import escape

from .decoder import DecodedLine, decode
from .textwidth import align, char_width

STYLE = """
.receipt{display:inline-block;background:#fff;color:#000;padding:1em;box-shadow:0 0 4px #999;
  font-family:"Noto Sans Mono CJK SC","Sarasa Mono SC",monospace;line-height:1.4}
.receipt pre{margin:0;font:inherit;white-space:pre}
.receipt .cjk{display:inline-block;width:2ch;text-align:center}
.receipt .double{font-size:200%;line-height:1.1}
.receipt .marker{border:1px dashed #888;color:#555;text-align:center;margin:.3em 0;font-size:85%}
"""
_MARKER_TEXT = {"[CUT]": "✂ 切纸", "[DRAWER]": "钱箱", "[IMAGE]": "图片", "[TRUNCATED]": "数据不完整"}


def _cells(text: str) -> str:
    """Escape text, wrapping each double-width character so it takes exactly two cells."""
    return "".join(f'<span class="cjk">{escape(c)}</span>' if char_width(c) == 2 else escape(c) for c in text)


def _line_html(line: DecodedLine, columns: int) -> str:
    """One decoded line as HTML."""
    if line.marker is not None:
        label = _MARKER_TEXT.get(line.marker)
        if label is None and line.marker.startswith("[QR:"):
            label = f"二维码：{line.marker[4:-1]}"
        return f'<div class="marker">{escape(label or line.marker)}</div>'
    padding = len(align(line.text, line.align, columns)) - len(line.text)
    parts = [" " * padding]
    for span in line.spans:
        html = _cells(span.text)
        if span.bold:
            html = f"<b>{html}</b>"
        if span.double:
            html = f'<span class="double">{html}</span>'
        parts.append(html)
    # A space keeps an empty line one line tall, as the blank line on paper is.
    return f"<pre>{''.join(parts) or ' '}</pre>"


def receipt_html(data: bytes, columns: int, codec: str = "gb18030", *, with_style: bool = True) -> str:
    """HTML for printed ESC/POS bytes, ``columns`` wide; ``with_style`` includes the <style> block."""
    body = "".join(_line_html(line, columns) for line in decode(data, codec))
    style = f"<style>{STYLE}</style>" if with_style else ""
    return f'{style}<div class="receipt" style="width:{columns}ch">{body}</div>'
