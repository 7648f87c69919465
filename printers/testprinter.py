"""A network receipt printer in a thread, for tests, the demo and trying the till without hardware.

It listens on TCP like a real printer's port 9100, keeps every byte each connection sends (one connection
is one job), and answers DLE EOT status queries from its settable state: online or not, paper ok, near end
or out. It can also refuse connections, drop them as soon as they open, or stay silent (take data, never
answer), which is how real printers fail.
"""
import contextlib
import logging
import selectors
import socket
import threading
from collections.abc import Callable

from .status import encode_online, encode_paper

log = logging.getLogger(__name__)
MODES = ("accept", "refuse", "drop", "silent")
_QUERY = b"\x10\x04"


class TestPrinter:
    """A capturing ESC/POS network printer bound to ``host`` (port 0 picks a free port)."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, online: bool = True, paper: str = "ok",
                 on_job: Callable[[bytes], None] | None = None):
        encode_paper(paper)
        self.host, self.port = host, port
        self.online, self.paper, self.mode = online, paper, "accept"
        #: raw bytes of every finished connection that sent anything, status queries included
        self.jobs: list[bytes] = []
        self.connections = 0
        self.on_job = on_job
        self._changed = threading.Condition()
        self._applied = threading.Event()
        self._mode_error: OSError | None = None
        self._stopping = False
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = socket.socketpair()
        self._listener: socket.socket | None = None
        self._clients: dict[socket.socket, bytearray] = {}
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The printer URL to configure a terminal with, e.g. ``tcp://127.0.0.1:40123``."""
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> "TestPrinter":
        """Bind and start serving in a background thread."""
        self._listen()
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._serve, name=f"test-printer-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, keep what open connections sent as jobs, and close every socket."""
        self._stopping = True
        self._wake_write.send(b"x")
        if self._thread is not None:
            self._thread.join()
        for client in list(self._clients):
            self._finish(client)
        if self._listener is not None:
            self._listener.close()
        self._selector.close()
        self._wake_read.close()
        self._wake_write.close()

    def __enter__(self) -> "TestPrinter":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def set_mode(self, mode: str) -> None:
        """``accept`` normally, ``refuse`` connections (nothing listening), ``drop`` each on arrival, or go
        ``silent`` (take data, never answer status). Returns once the change is in effect."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if self._thread is None or not self._thread.is_alive():
            raise RuntimeError("start the test printer before changing its mode")
        self._applied.clear()
        self._mode_error = None
        self.mode = mode
        self._wake_write.send(b"x")
        if not self._applied.wait(10):
            raise RuntimeError("test printer thread did not apply the mode")
        if self._mode_error is not None:
            raise self._mode_error

    def set_paper(self, paper: str) -> None:
        """Set the paper state answered to DLE EOT 4: ``ok``, ``near_end`` or ``out``."""
        encode_paper(paper)
        self.paper = paper

    def set_online(self, online: bool) -> None:
        """Set the online flag answered to DLE EOT 1."""
        self.online = online

    @property
    def printed(self) -> list[bytes]:
        """What each job sent besides status queries; connections that only asked for status are left out."""
        with self._changed:
            return self._printed()

    def wait_for_printed(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` jobs have printed something; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._printed()) >= count, timeout)

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` connections have finished (status-only ones too); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.jobs) >= count, timeout)

    def _printed(self) -> list[bytes]:
        """:attr:`printed` for a caller holding the lock."""
        return [data for data in map(_strip_queries, self.jobs) if data]

    def _listen(self) -> None:
        """Open the listening socket, on the same port as before when re-opened after ``refuse``."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.port))
            listener.listen(16)
        except OSError:
            listener.close()
            raise
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def _apply_mode(self) -> None:
        """Close or re-open the listener to match the mode (runs on the server thread)."""
        if self.mode == "refuse" and self._listener is not None:
            self._selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
        elif self.mode != "refuse" and self._listener is None:
            try:
                self._listen()
            except OSError as exc:  # someone took the port meanwhile: report it to set_mode's caller
                self._mode_error = exc
            else:
                self._selector.register(self._listener, selectors.EVENT_READ)
        self._applied.set()

    def _serve(self) -> None:
        """Selector loop over the listener, the wake-up socket and the clients."""
        self._selector.register(self._listener, selectors.EVENT_READ)
        while not self._stopping:
            for key, _ in self._selector.select():
                sock = key.fileobj
                if sock is self._wake_read:
                    sock.recv(64)
                    self._apply_mode()
                elif sock is self._listener:
                    self._accept()
                else:
                    self._receive(sock)

    def _accept(self) -> None:
        """Take a connection, or close it at once in ``drop`` mode."""
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        self.connections += 1
        if self.mode == "drop":
            client.close()
            return
        client.setblocking(False)
        self._clients[client] = bytearray()
        self._selector.register(client, selectors.EVENT_READ)

    def _receive(self, client: socket.socket) -> None:
        """Capture what arrived, answer status queries in it, finish the job when the client closes."""
        try:
            data = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._finish(client)
            return
        buffer = self._clients[client]
        # Look from two bytes back: a query may be split across reads.
        start = max(len(buffer) - 2, 0)
        buffer += data
        if self.mode != "silent":
            self._answer(client, buffer, start)

    def _answer(self, client: socket.socket, buffer: bytearray, start: int) -> None:
        """Answer each complete DLE EOT n in ``buffer[start:]`` with the status byte a printer sends."""
        index = buffer.find(_QUERY, start)
        while 0 <= index < len(buffer) - 2:
            kind = buffer[index + 2]
            if kind == 1:
                answer = encode_online(self.online and self.paper != "out")
            elif kind == 4:
                answer = encode_paper(self.paper)
            else:
                answer = encode_online(True)  # DLE EOT 2/3: no offline cause, no error
            try:
                client.send(bytes([answer]))
            except OSError:
                return
            index = buffer.find(_QUERY, index + 3)

    def _finish(self, client: socket.socket) -> None:
        """Close a client and keep its bytes as a job."""
        data = bytes(self._clients.pop(client))
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(client)
        client.close()
        if not data:
            return
        with self._changed:
            self.jobs.append(data)
            self._changed.notify_all()
        if self.on_job is not None:
            try:
                self.on_job(data)
            except Exception:  # a console printing error must not stop the printer
                log.exception("test printer job callback failed")


def _strip_queries(data: bytes) -> bytes:
    """Remove DLE EOT n status queries from captured bytes."""
    out, index = bytearray(), 0
    while True:
        found = data.find(_QUERY, index)
        if found < 0 or found + 2 >= len(data):
            return bytes(out + data[index:])
        out += data[index:found]
        index = found + 3


def serve_test_printer(host: str = "127.0.0.1", port: int = 9100, *, columns: int | None = 48,
                       codec: str = "gb18030", paper: str = "ok", online: bool = True,
                       stop: threading.Event | None = None, echo: Callable[[str], None] = print) -> None:
    """Run a test printer until ``stop`` is set or Ctrl-C, echoing each job as decoded text.

    This is what a ``canteen test-printer`` command runs; point a terminal at the URL it prints.
    """
    from .decoder import decode_text

    def show(data: bytes) -> None:
        if not _strip_queries(data):
            return  # a status poll, not a receipt
        text = decode_text(_strip_queries(data), columns, codec)
        echo(f"----- job {len(printer.jobs)} ({len(data)} bytes) -----\n{text}")

    printer = TestPrinter(host, port, online=online, paper=paper, on_job=show)
    with printer:
        echo(f"test printer listening on {printer.url} (paper {paper}, {'online' if online else 'offline'})")
        with contextlib.suppress(KeyboardInterrupt):
            (stop or threading.Event()).wait()
        echo("test printer stopped")


def _click_command():
    """The ``canteen test-printer`` command, registered through the ``flask.commands`` entry point."""
    import click

    @click.command("test-printer", add_help_option=False, context_settings={"ignore_unknown_options": True},
                   help="Run a TCP test printer that shows each receipt as text (--port 9100 [--paper-out]).")
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def test_printer(args):
        main(list(args))

    return test_printer


def main(argv: list[str] | None = None) -> None:
    """``python -m printers.testprinter [--host H] [--port P] [--columns N] [--paper-out]``."""
    import argparse

    parser = argparse.ArgumentParser(description="Capture ESC/POS receipts sent over TCP and show them as text.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--columns", type=int, default=48, help="paper columns for alignment (32 or 48)")
    parser.add_argument("--codec", default="gb18030")
    parser.add_argument("--paper-out", action="store_true", help="answer status queries with paper out")
    args = parser.parse_args(argv)
    serve_test_printer(args.host, args.port, columns=args.columns, codec=args.codec,
                       paper="out" if args.paper_out else "ok")


test_printer_command = _click_command()


if __name__ == "__main__":
    main()
