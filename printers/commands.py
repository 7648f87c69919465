"""ESC/POS command bytes, shared by the encoder that writes them and the decoder that reads them back.

Values follow Epson's ESC/POS reference as implemented by common Chinese 58/80 mm thermal printers
(Xprinter, Gprinter, Rongta, Sunmi and the like).
"""
ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

#: ESC @ — reset modes to power-on defaults
INIT = ESC + b"@"
#: FS & — Chinese (Kanji) character mode on: bytes >= 0x80 form GB18030/GBK double-byte characters
CHINESE_MODE_ON = FS + b"&"
#: FS . — Chinese character mode off: bytes >= 0x80 index the single-byte code page
CHINESE_MODE_OFF = FS + b"."

ALIGN_CODES = {"left": 0, "center": 1, "right": 2}

#: DLE EOT n real-time status queries: 1 printer (online bit), 4 roll paper sensor
STATUS_PRINTER = DLE + EOT + b"\x01"
STATUS_PAPER = DLE + EOT + b"\x04"

#: GS ( k function codes for QR (cn = 49, '1')
QR_MODEL, QR_SIZE, QR_ERROR, QR_STORE, QR_PRINT = 65, 67, 69, 80, 81
QR_ERROR_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}

CUT_MODES = {"full": 0, "partial": 1}


def align(how: str) -> bytes:
    """ESC a n — justify the following line left, centre or right (effective at the start of a line)."""
    return ESC + b"a" + bytes([ALIGN_CODES[how]])


def bold(on: bool) -> bytes:
    """ESC E n — emphasized (bold) on or off."""
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def double_size(on: bool) -> bytes:
    """GS ! n — double width and height on or off; unlike ESC !, GS ! applies to Chinese characters too."""
    return GS + b"!" + (b"\x11" if on else b"\x00")


def feed(lines: int) -> bytes:
    """ESC d n — print the buffer and feed ``lines`` lines."""
    if not 0 <= lines <= 255:
        raise ValueError(f"feed of {lines} lines is out of range 0..255")
    return ESC + b"d" + bytes([lines])


def cut(mode: str) -> bytes:
    """GS V m — cut the paper, fully or leaving a hinge (partial)."""
    return GS + b"V" + bytes([CUT_MODES[mode]])


def _qr_function(fn: int, parameters: bytes) -> bytes:
    """GS ( k pL pH cn fn [parameters] for the QR symbol (cn = 49)."""
    length = len(parameters) + 2
    return GS + b"(k" + length.to_bytes(2, "little") + bytes([49, fn]) + parameters


def qr_code(data: bytes, *, module_size: int = 6, error_level: str = "M") -> bytes:
    """Select model 2, set module size and error correction, store ``data`` and print the symbol."""
    if not 1 <= module_size <= 16:
        raise ValueError(f"QR module size {module_size} is out of range 1..16")
    if not 1 <= len(data) <= 7089:
        raise ValueError(f"QR data of {len(data)} bytes is out of range 1..7089")
    return (_qr_function(QR_MODEL, b"\x32\x00")
            + _qr_function(QR_SIZE, bytes([module_size]))
            + _qr_function(QR_ERROR, bytes([QR_ERROR_LEVELS[error_level]]))
            + _qr_function(QR_STORE, b"\x30" + data)
            + _qr_function(QR_PRINT, b"\x30"))
