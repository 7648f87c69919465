"""Fixtures for the printer tests: a capturing test printer on TCP, printers pointed at it, print queues."""
from datetime import datetime

import pytest

from printers import TestPrinter
from printers.escpos_backend import EscposPrinter
from printers.print_queue import PrintQueue

#: when the receipts in these tests were taken
TAKEN_AT = datetime(2025, 3, 4, 12, 1, 5)


class FakeClock:
    """A settable clock for the queue's backoff, so no test sleeps or depends on timing."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def test_printer():
    """A started test printer on 127.0.0.1 with an ephemeral port, stopped after the test."""
    with TestPrinter("127.0.0.1", 0) as printer:
        yield printer


@pytest.fixture
def printer_for():
    """Factory: an EscposPrinter for a URL (python-escpos Network backend and friends), closed afterwards."""
    made = []

    def make(url: str) -> EscposPrinter:
        printer = EscposPrinter(url)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture
def network_printer(test_printer, printer_for):
    """A 58 mm network printer talking to the test printer; short timeout for the silent-printer tests."""
    return printer_for(f"{test_printer.url}?paper=58&timeout=1")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_queue(tmp_path, clock):
    """Factory: a print queue in a file under tmp_path; every queue's worker is stopped at teardown."""
    queues = []

    def make(printer, path=None, **options) -> PrintQueue:
        options.setdefault("clock", clock)
        queue = PrintQueue(path or tmp_path / "print-queue.sqlite3", printer, **options)
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        queue.stop()
