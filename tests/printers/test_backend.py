"""Real bytes through python-escpos's backends: TCP to the test printer, a serial pty, a file, USB."""
import os
import select
import threading

import pytest

from printers import PrinterError, decode_text, encode_receipt
from printers.status import encode_paper

from ..services import missing_service
from . import samples, test_receipts_58mm


@pytest.mark.parametrize("kind", sorted(samples.ALL))
def test_bytes_sent_over_tcp_by_python_escpos_decode_to_the_expected_receipt(kind, test_printer,
                                                                            network_printer):
    data = encode_receipt(samples.ALL[kind](), network_printer.config)

    network_printer.print_bytes(data)

    assert test_printer.wait_for_printed(1)
    assert test_printer.printed == [data]
    assert decode_text(test_printer.printed[0], 32) == test_receipts_58mm.EXPECTED[kind]


def test_status_queries_bracket_the_receipt_on_the_wire(test_printer, network_printer):
    network_printer.print_bytes(b"\x1b@X\n")

    assert test_printer.wait_for_printed(1)
    assert test_printer.jobs == [b"\x10\x04\x01\x10\x04\x04\x1b@X\n\x10\x04\x01\x10\x04\x04"]


@pytest.mark.parametrize(("paper", "online", "expected"), [
    ("ok", True, (True, "ok")), ("near_end", True, (True, "near_end")), ("out", True, (False, "out")),
    ("ok", False, (False, "ok"))])
def test_status_reports_online_and_paper_as_the_printer_answers(test_printer, network_printer, paper, online,
                                                                 expected):
    test_printer.set_paper(paper)
    test_printer.set_online(online)

    status = network_printer.status()

    assert (status.online, status.paper) == expected
    assert status.ready == (expected == (True, "ok") or expected == (True, "near_end"))


def test_a_printer_out_of_paper_gets_no_receipt_and_says_so(test_printer, network_printer):
    test_printer.set_paper("out")

    with pytest.raises(PrinterError) as error:
        network_printer.print_bytes(encode_receipt(samples.top_up(), network_printer.config))

    assert error.value.code == "paper_out" and error.value.needs_attention
    assert error.value.message == f"打印机 {test_printer.url} 缺纸，请装纸"
    assert test_printer.wait_for_jobs(1)
    assert test_printer.jobs == [b"\x10\x04\x01\x10\x04\x04"]  # asked for status, sent no receipt


def test_a_printer_with_its_cover_open_is_offline(test_printer, network_printer):
    test_printer.set_online(False)

    with pytest.raises(PrinterError) as error:
        network_printer.print_bytes(b"X\n")

    assert error.value.code == "offline" and "离线" in error.value.message


@pytest.mark.parametrize(("mode", "code", "words"), [("refuse", "refused", "连接被拒绝"),
                                                      ("drop", "closed", "断开了连接"),
                                                      ("silent", "timeout", "无应答")])
def test_a_printer_that_refuses_closes_or_does_not_answer_gives_a_clear_error(test_printer, network_printer, mode,
                                                                            code, words):
    test_printer.set_mode(mode)

    with pytest.raises(PrinterError) as error:
        network_printer.print_bytes(encode_receipt(samples.meal_charge(), network_printer.config))
    status = network_printer.status()

    assert error.value.code == code
    assert words in error.value.message and test_printer.url in error.value.message
    assert status.online is False and not status.ready and words in status.error


def test_a_refusing_printer_that_comes_back_prints_again(test_printer, network_printer):
    test_printer.set_mode("refuse")
    with pytest.raises(PrinterError):
        network_printer.print_bytes(b"lost\n")
    test_printer.set_mode("accept")

    network_printer.print_bytes(b"back\n")

    assert test_printer.wait_for_printed(1)
    assert test_printer.printed == [b"back\n"]


def test_a_file_printer_gets_the_exact_bytes_and_has_no_status(tmp_path, printer_for):
    target = tmp_path / "lp0"
    printer = printer_for(f"file://{target}")
    data = encode_receipt(samples.card_issue(), printer.config)

    printer.print_bytes(data)

    assert target.read_bytes() == data
    assert printer.status().online is None and printer.status().paper == "unknown"


def test_a_missing_file_printer_is_not_found(tmp_path, printer_for):
    printer = printer_for(f"file://{tmp_path}/no/such/dir/lp0")

    with pytest.raises(PrinterError) as error:
        printer.print_bytes(b"X")

    assert error.value.code == "not_found" and "找不到打印机" in error.value.message


def test_a_usb_printer_that_is_not_plugged_in_is_not_found(printer_for):
    # Without pyusb the printer cannot even be made; with it, no device matches: both say not found.
    with pytest.raises(PrinterError) as error:
        printer_for("usb://0xfffe:0xfffd?timeout=1").print_bytes(b"X")

    assert error.value.code == "not_found" and "usb://0xfffe:0xfffd" in error.value.message


class PtyPrinter:
    """The far end of a pseudo-terminal acting as a serial printer: keeps bytes, answers paper queries."""

    def __init__(self, paper: str | None):
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.paper, self.received, self._stop = paper, b"", threading.Event()
        self._thread = threading.Thread(target=self._run)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            if select.select([self.master], [], [], 0.05)[0]:
                chunk = os.read(self.master, 4096)
                self.received += chunk
                if self.paper is not None:
                    os.write(self.master, bytes([encode_paper(self.paper)]) * chunk.count(b"\x10\x04"))

    def close(self):
        self._stop.set()
        self._thread.join()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def pty_printer(request):
    """A serial printer on a pty; needs pyserial, which python-escpos's Serial backend imports."""
    try:
        import serial  # noqa: F401
    except ImportError:
        missing_service("pyserial", "the serial printer backend needs it: pip install pyserial")
    printer = PtyPrinter(request.param)
    yield printer
    printer.close()


@pytest.mark.parametrize("pty_printer", ["out"], indirect=True)
def test_a_serial_printer_reports_paper_out_over_its_return_line(pty_printer, printer_for):
    printer = printer_for(f"serial://{pty_printer.path}?timeout=1")

    with pytest.raises(PrinterError) as error:
        printer.print_bytes(b"X\n")

    assert error.value.code == "paper_out"
    assert printer.status().paper == "out"


@pytest.mark.parametrize("pty_printer", [None], indirect=True)
def test_a_serial_printer_without_a_return_line_still_prints(pty_printer, printer_for):
    printer = printer_for(f"serial://{pty_printer.path}?timeout=0.2&baudrate=115200")
    data = encode_receipt(samples.refund(), printer.config)

    printer.print_bytes(data)
    printer.close()

    assert printer.status().paper == "unknown"
    assert data in pty_printer.received or _eventually(lambda: data in pty_printer.received)


def _eventually(check, attempts: int = 100) -> bool:
    """Poll ``check`` a bounded number of times while the pty reader catches up."""
    for _ in range(attempts):
        if check():
            return True
        threading.Event().wait(0.02)
    return False
