"""ESC/POS bytes back to text: for test assertions, the test printer's console and receipt previews.

Text is decoded with the printer's codec (GB18030 by default). Commands are dropped, except the ones that
put something on paper that is not text: they become marker lines such as ``[CUT]`` and ``[QR:data]``.
Bold and double size are kept per span for the HTML preview and ignored by the plain text.
"""
from dataclasses import dataclass, field

from .textwidth import align as align_text

_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
#: commands with a fixed length (prefix + letter -> total bytes) that change nothing we render
_SKIP = {
    b"\x1b": {b"2": 2, b"3": 3, b"t": 3, b"-": 3, b"M": 3, b"R": 3, b"V": 3, b"{": 3, b"G": 3, b" ": 3,
              b"c": 4, b"=": 3, b"U": 3, b"B": 4},
    b"\x1d": {b"B": 3, b"h": 3, b"w": 3, b"H": 3, b"f": 3, b"a": 3, b"r": 3, b"L": 4, b"W": 4, b"P": 4},
    b"\x1c": {b"&": 2, b".": 2, b"C": 3, b"S": 4, b"W": 3, b"-": 3},
    b"\x10": {b"\x04": 3, b"\x05": 3, b"\x14": 5},
}


class TruncatedCommand(Exception):
    """The data ended in the middle of a command."""


@dataclass
class Span:
    """A run of text printed in one style."""

    text: str
    bold: bool = False
    double: bool = False


@dataclass
class DecodedLine:
    """One printed line (spans and alignment), or a marker line such as ``[CUT]``."""

    spans: list[Span] = field(default_factory=list)
    align: str = "left"
    marker: str | None = None

    @property
    def text(self) -> str:
        """The line's text without styles, or its marker."""
        return self.marker if self.marker is not None else "".join(span.text for span in self.spans)


class _Decoder:
    """A small state machine over the byte stream; see :func:`decode`."""

    def __init__(self, data: bytes, codec: str):
        self.data, self.codec, self.pos = data, codec, 0
        self.lines: list[DecodedLine] = []
        self.align, self.bold, self.double = "left", False, False
        self.line: DecodedLine | None = None
        self.pending = bytearray()
        self.qr_data = b""

    def take(self, count: int) -> bytes:
        """The next ``count`` bytes, raising :class:`TruncatedCommand` when the data runs out."""
        if self.pos + count > len(self.data):
            raise TruncatedCommand
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def flush_text(self) -> None:
        """Decode the pending bytes into a span of the current line."""
        if self.pending:
            if self.line is None:
                self.line = DecodedLine(align=self.align)
            text = bytes(self.pending).decode(self.codec, errors="replace")
            self.line.spans.append(Span(text, self.bold, self.double))
            self.pending.clear()

    def end_line(self, force: bool) -> None:
        """Finish the current line; ``force`` (LF) ends even an empty one, as paper feeds a blank line."""
        self.flush_text()
        if self.line is not None or force:
            self.lines.append(self.line or DecodedLine(align=self.align))
        self.line = None

    def marker(self, text: str) -> None:
        """A marker on a line of its own."""
        self.end_line(force=False)
        self.lines.append(DecodedLine(marker=text))

    def style(self, **changes) -> None:
        """Change bold/double/align after flushing text printed in the old style."""
        self.flush_text()
        for name, value in changes.items():
            setattr(self, name, value)

    def run(self) -> list[DecodedLine]:
        """Decode the whole stream."""
        try:
            while self.pos < len(self.data):
                byte = self.take(1)
                if byte == b"\n":
                    self.end_line(force=True)
                elif byte in _SKIP:
                    self.command(byte, self.take(1))
                elif byte[0] >= 0x20 or byte == b"\t":
                    self.pending += byte
                # other control bytes (NUL, CR, ...) print nothing
        except TruncatedCommand:
            self.marker("[TRUNCATED]")
        self.end_line(force=False)
        return self.lines

    def command(self, prefix: bytes, letter: bytes) -> None:
        """Interpret one command after its prefix byte."""
        key = prefix + letter
        if key == b"\x1b@":
            self.style(align="left", bold=False, double=False)
        elif key == b"\x1ba":
            self.style(align=_ALIGN.get(self.take(1)[0], "left"))
        elif key == b"\x1bE":
            self.style(bold=bool(self.take(1)[0] & 1))
        elif key == b"\x1b!":
            mode = self.take(1)[0]
            self.style(bold=bool(mode & 0x08), double=bool(mode & 0x30))
        elif key in (b"\x1d!", b"\x1c!"):
            mode = self.take(1)[0]
            # GS ! sets width and height multipliers (any non-zero is enlarged); FS ! uses bits 2 and 3.
            self.style(double=bool(mode & (0xFF if prefix == b"\x1d" else 0x0C)))
        elif key in (b"\x1bd", b"\x1bJ"):
            self.take(1)
            self.end_line(force=False)
        elif key == b"\x1dV":
            if self.take(1)[0] in (65, 66, 97, 98, 103, 104):
                self.take(1)
            self.marker("[CUT]")
        elif key == b"\x1bp":
            self.take(3)
            self.marker("[DRAWER]")
        elif key == b"\x1d(":
            self.function_block()
        elif key == b"\x1dv":
            header = self.take(6)
            self.take(int.from_bytes(header[2:4], "little") * int.from_bytes(header[4:6], "little"))
            self.marker("[IMAGE]")
        elif key == b"\x1dk":
            self.barcode()
        elif letter in _SKIP.get(prefix, {}):
            self.take(_SKIP[prefix][letter] - 2)
        else:
            self.marker(f"[{key.hex(' ').upper()}]")

    def function_block(self) -> None:
        """GS ( x pL pH ...: remember stored QR data, print it on the print function, skip the rest."""
        letter = self.take(1)
        body = self.take(int.from_bytes(self.take(2), "little"))
        if letter != b"k" or len(body) < 2 or body[0] != 49:
            return
        if body[1] == 80:
            self.qr_data = body[3:]
        elif body[1] == 81:
            self.marker(f"[QR:{self.qr_data.decode(self.codec, errors='replace')}]")

    def barcode(self) -> None:
        """GS k m ...: a NUL-terminated (m <= 6) or length-prefixed barcode, shown as a marker."""
        kind = self.take(1)[0]
        if kind <= 6:
            end = self.data.find(b"\x00", self.pos)
            if end < 0:
                raise TruncatedCommand
            value = self.take(end - self.pos)
            self.take(1)
        else:
            value = self.take(self.take(1)[0])
        self.marker(f"[BARCODE:{value.decode('ascii', errors='replace')}]")


def decode(data: bytes, codec: str = "gb18030") -> list[DecodedLine]:
    """Decode ESC/POS bytes into lines with styles and markers."""
    return _Decoder(bytes(data), codec).run()


def lines_text(lines: list[DecodedLine], columns: int | None = None) -> str:
    """Plain text of decoded lines; with ``columns``, centred and right-aligned lines are padded as on paper."""
    out = []
    for line in lines:
        text = line.text
        if columns and line.marker is None:
            text = align_text(text, line.align, columns)
        out.append(text)
    return "".join(text + "\n" for text in out)


def decode_text(data: bytes, columns: int | None = None, codec: str = "gb18030") -> str:
    """Decode ESC/POS bytes straight to plain text (see :func:`lines_text`)."""
    return lines_text(decode(data, codec), columns)
