"""Printer I/O through python-escpos: the only module that imports it.

python-escpos opens the connection (TCP 9100, USB, serial, device file) and moves bytes; the bytes
themselves come from :mod:`printers.encoder` and go out through ``_raw()``. Every failure leaves here as a
:class:`~printers.errors.PrinterError`.
"""
import errno
import logging
import socket
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import File, Network, Serial, Usb

from . import commands
from .config import PrinterConfig, printer_config
from .errors import PrinterError
from .status import PrinterStatus, decode_online, decode_paper

log = logging.getLogger(__name__)
#: python-escpos logs each open and close on the root logger at INFO ("Closing Network connection to printer"
#: at every status poll): keep only its warnings.
logging.getLogger().addFilter(lambda record: record.levelno >= logging.WARNING or "/escpos/" not in record.pathname)


class _Network(Network):
    """python-escpos 3.1's Network printer, minus the socket its ``open()`` leaks when connecting fails."""

    def open(self, raise_not_found: bool = True) -> None:
        """Connect with ``socket.create_connection``, which closes the socket itself on failure."""
        if self._device:
            self.close()
        try:
            self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self.device = None
            raise DeviceNotFoundError(f"Could not open socket for {self.host}:{self.port}: {exc}") from exc


class _Serial(Serial):
    """python-escpos 3.1's Serial printer reading one status byte instead of waiting for sixteen."""

    def _read(self) -> bytes:
        """Read the one-byte DLE EOT answer; ``read(16)`` would sit out the whole timeout on every query."""
        assert self.device
        return self.device.read(1)


def _build(config: PrinterConfig) -> Escpos:
    """An unopened python-escpos printer for the config's URL and backend options."""
    url, options = urlsplit(config.url), config.options
    if config.backend == "network":
        if not url.hostname:
            raise ValueError(f"printer URL {config.url!r} has no host")
        return _Network(url.hostname, url.port or 9100, timeout=config.timeout)
    if config.backend == "usb":
        if not Usb.is_usable():
            raise PrinterError("not_found", f"USB 打印机 {config.label} 需要安装 pyusb 与 libusb")
        vendor, _, product = url.netloc.partition(":")
        if not vendor or not product:
            raise ValueError(f"USB printer URL {config.url!r} must be usb://VENDOR:PRODUCT, e.g. usb://0x0416:0x5011")
        return Usb(int(vendor, 16), int(product, 16), timeout=int(config.timeout * 1000),
                   in_ep=int(options.get("in_ep", "0x82"), 0), out_ep=int(options.get("out_ep", "0x01"), 0))
    if config.backend == "serial":
        if not Serial.is_usable():
            raise PrinterError("not_found", f"串口打印机 {config.label} 需要安装 pyserial")
        return _Serial(url.path, baudrate=int(options.get("baudrate", 9600)), timeout=config.timeout,
                      dsrdtr=options.get("dsrdtr", "1") not in ("0", "false", "no"))
    return File(url.path or url.netloc)


class EscposPrinter:
    """A receipt printer reached through python-escpos: ``print_bytes()`` and ``status()``.

    Each call opens the connection and closes it again, so a printer that was switched off and on, or
    re-plugged, works on the next job. A lock keeps the queue's worker and a status poll from interleaving.
    """

    def __init__(self, config: "PrinterConfig | str | dict"):
        self.config = printer_config(config)
        self._lock = threading.Lock()
        self._device = _build(self.config)

    @property
    def reads_status(self) -> bool:
        """Whether this printer is asked for status: configured so, and the backend has a return channel."""
        return self.config.status and self.config.backend != "file"

    def print_bytes(self, data: bytes) -> None:
        """Send one receipt's bytes; refuse with ``paper_out``/``offline`` before sending when status says so.

        After sending, the paper status is asked again: its answer proves the connection held until the data
        was taken, and paper running out mid-receipt is reported so the receipt is printed again in full.
        """
        with self._lock, self._opened() as device:
            if self.reads_status:
                self._raise_if_not_ready(self._read_status(device), before=True)
            self._call(device._raw, data)
            if self.reads_status:
                self._raise_if_not_ready(self._read_status(device), before=False)

    def status(self) -> PrinterStatus:
        """Online and paper state for the page; never raises (an unreachable printer reports its error)."""
        if not self.reads_status:
            return PrinterStatus()
        try:
            with self._lock, self._opened() as device:
                return self._read_status(device)
        except PrinterError as exc:
            return PrinterStatus(online=False, error=exc.message)

    def close(self) -> None:
        """Release the device if a failed call left it open."""
        self._device.close()

    @contextmanager
    def _opened(self):
        """The device opened for one call, closed afterwards whatever happens."""
        self._open()
        try:
            yield self._device
        finally:
            try:
                self._device.close()
            except OSError as exc:  # closing a reset connection may fail; the call's outcome stands
                log.debug("closing %s failed: %s", self.config.label, exc)

    def _open(self) -> None:
        """Open the device, turning python-escpos's errors into a PrinterError saying what went wrong."""
        label = self.config.label
        try:
            self._device.open()
        except DeviceNotFoundError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ConnectionRefusedError):
                raise PrinterError("refused",
                                   f"无法连接打印机 {label}：连接被拒绝（打印机未开机，或地址、端口不对）") from exc
            if isinstance(cause, TimeoutError):
                raise PrinterError("timeout", f"无法连接打印机 {label}：{self.config.timeout:g} 秒内连接超时") from exc
            if self.config.backend == "network":
                raise PrinterError("unreachable", f"无法连接打印机 {label}：{cause or exc}") from exc
            raise PrinterError("not_found", f"找不到打印机 {label}：{cause or exc}") from exc
        except Exception as exc:  # pyusb raises NoBackendError (no libusb) past python-escpos
            raise PrinterError("not_found", f"找不到打印机 {label}：{exc}") from exc

    def _call(self, function, *args):
        """Run a device call, mapping timeouts and broken connections to PrinterError."""
        label = self.config.label
        try:
            return function(*args)
        except TimeoutError as exc:
            raise PrinterError("timeout", f"打印机 {label} 无应答（{self.config.timeout:g} 秒内未回复）") from exc
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as exc:
            raise PrinterError("closed", f"打印机 {label} 断开了连接") from exc
        except OSError as exc:
            if exc.errno == errno.ETIMEDOUT:  # pyusb reports its timeouts as USBError(errno 110)
                raise PrinterError("timeout", f"打印机 {label} 无应答（{self.config.timeout:g} 秒内未回复）") from exc
            raise PrinterError("io", f"打印机 {label} 通信错误：{exc}") from exc

    def _query(self, device: Escpos, query: bytes) -> int | None:
        """Send one DLE EOT query and return the answer byte; None when the backend cannot read."""
        try:
            answer = bytes(self._call(device.query_status, query))
        except NotImplementedError:
            return None
        if answer:
            return answer[0]
        if self.config.backend == "network":
            # An empty read on TCP is end of stream: the printer closed the connection.
            raise PrinterError("closed", f"打印机 {self.config.label} 断开了连接")
        return None  # a serial line without a return channel answers nothing

    def _read_status(self, device: Escpos) -> PrinterStatus:
        """Online (DLE EOT 1) and paper (DLE EOT 4) state of an opened device."""
        online = self._query(device, commands.STATUS_PRINTER)
        paper = self._query(device, commands.STATUS_PAPER)
        return PrinterStatus(online=None if online is None else decode_online(online),
                             paper="unknown" if paper is None else decode_paper(paper))

    def _raise_if_not_ready(self, status: PrinterStatus, *, before: bool) -> None:
        """Raise ``paper_out`` or ``offline`` for a printer that cannot print (or could not finish)."""
        label = self.config.label
        if status.paper == "out":
            if before:
                raise PrinterError("paper_out", f"打印机 {label} 缺纸，请装纸")
            raise PrinterError("paper_out", f"打印机 {label} 打印中缺纸，装纸后小票将重新打印")
        if status.online is False and before:
            raise PrinterError("offline", f"打印机 {label} 离线（纸仓盖未关或打印机故障）")


def open_printer(config: "PrinterConfig | str | dict") -> EscposPrinter:
    """A printer for a config, URL or mapping (see :mod:`printers.config`)."""
    return EscposPrinter(config)
