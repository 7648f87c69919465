"""Printer configuration: where the printer is and how to talk to it, from a URL, a mapping or the environment.

A printer is named by a URL, and any setting may ride along as a query parameter::

    tcp://192.168.1.50:9100?paper=80          network printer (raw TCP, port 9100 by default)
    usb://0x0416:0x5011?in_ep=0x81&out_ep=0x03  USB printer by vendor:product id
    serial:///dev/ttyUSB0?baudrate=115200      serial printer
    file:///dev/usb/lp0                        device file (usblp kernel driver) or any file
"""
import codecs
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .layout import columns_for_paper

SCHEMES = {"tcp": "network", "network": "network", "usb": "usb", "serial": "serial", "file": "file"}
#: codecs of printers' Chinese character mode, where FS & must be sent
CHINESE_CODECS = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs"}
ENV_PREFIX = "CANTEEN_PRINTER_"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def backend_of(url: str) -> str:
    """The backend a printer URL names: ``network``, ``usb``, ``serial`` or ``file``."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise ValueError(f"printer URL {url!r} must start with one of {', '.join(s + '://' for s in SCHEMES)}")
    return SCHEMES[scheme]


@dataclass(frozen=True)
class PrinterConfig:
    """One receipt printer's connection and output settings."""

    url: str
    #: paper width in mm: 58 (32 columns) or 80 (48 columns)
    paper: int = 58
    #: columns per line when a printer differs from its paper width's usual count
    columns: int | None = None
    #: text encoding; GB18030 covers every character and is what Chinese printers' character mode reads
    codec: str = "gb18030"
    #: print a QR code of the entry number
    qr: bool = False
    #: ``partial``, ``full`` or ``none`` (printers without a cutter)
    cut: str = "partial"
    #: lines fed before the cut so the last line clears the cutter
    feed_lines: int = 4
    #: seconds to wait to connect, send, or for a status answer
    timeout: float = 5.0
    #: ask the printer for online and paper status before and after printing, where the backend can read
    status: bool = True
    #: backend options from the URL's query (baudrate, in_ep, out_ep, ...)
    options: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        backend_of(self.url)
        if self.columns is None:
            columns_for_paper(self.paper)
        elif self.columns < 24:
            raise ValueError(f"printer columns {self.columns} is too narrow")
        codecs.lookup(self.codec)
        if self.cut not in ("partial", "full", "none"):
            raise ValueError(f"cut must be partial, full or none, not {self.cut!r}")
        if not 0 <= self.feed_lines <= 255 or self.timeout <= 0:
            raise ValueError("feed_lines must be 0..255 and timeout positive")

    @property
    def backend(self) -> str:
        """``network``, ``usb``, ``serial`` or ``file``."""
        return backend_of(self.url)

    @property
    def line_columns(self) -> int:
        """Columns a line holds on this printer."""
        return self.columns or columns_for_paper(self.paper)

    @property
    def chinese_mode(self) -> bool:
        """Whether the codec needs the printer's Chinese character mode (FS &)."""
        return codecs.lookup(self.codec).name in CHINESE_CODECS

    @property
    def label(self) -> str:
        """The URL without its query, for messages."""
        return self.url.split("?", 1)[0]


def _coerce(name: str, value: Any) -> Any:
    """Convert a string setting from a URL or the environment to the field's type."""
    if not isinstance(value, str):
        return value
    if name in ("paper", "columns", "feed_lines"):
        return int(value)
    if name == "timeout":
        return float(value)
    if name in ("qr", "status"):
        lowered = value.strip().lower()
        if lowered not in _TRUE | _FALSE:
            raise ValueError(f"printer setting {name}={value!r} is not a yes/no value")
        return lowered in _TRUE
    return value


def printer_config(source: "str | Mapping[str, Any] | PrinterConfig") -> PrinterConfig:
    """Build a config from a URL string, a mapping (``url`` plus settings) or return a config as is.

    Query parameters that name a setting set it; the others are backend options. Settings in a mapping win
    over the same ones in its URL's query.
    """
    if isinstance(source, PrinterConfig):
        return source
    settings = {"url": source} if isinstance(source, str) else dict(source)
    if not settings.get("url"):
        raise ValueError("printer configuration has no url")
    known = {f.name for f in fields(PrinterConfig)} - {"url", "options"}
    query = dict(parse_qsl(urlsplit(settings["url"]).query))
    options = {k: v for k, v in query.items() if k not in known}
    options.update(settings.pop("options", None) or {})
    merged = {k: v for k, v in query.items() if k in known}
    merged.update({k: v for k, v in settings.items() if k in known and v is not None})
    unknown = set(settings) - known - {"url"}
    if unknown:
        raise ValueError(f"unknown printer settings: {', '.join(sorted(unknown))}")
    return PrinterConfig(url=settings["url"], options=options,
                         **{name: _coerce(name, value) for name, value in merged.items()})


def config_from_env(environ: Mapping[str, str] | None = None) -> PrinterConfig | None:
    """Config from ``CANTEEN_PRINTER_URL`` and ``CANTEEN_PRINTER_<SETTING>`` variables; None without a URL."""
    environ = os.environ if environ is None else environ
    if not environ.get(ENV_PREFIX + "URL"):
        return None
    settings = {key[len(ENV_PREFIX):].lower(): value for key, value in environ.items()
                if key.startswith(ENV_PREFIX)}
    return printer_config(settings)
