"""The test printer as the CLI runs it: serve, echo each job as text, stop cleanly."""
import queue
import threading

from printers import encode_receipt, serve_test_printer
from printers.escpos_backend import EscposPrinter

from . import samples
from .test_receipts_80mm import EXPECTED


def test_serve_test_printer_echoes_each_received_receipt_as_text():
    said, stop = queue.Queue(), threading.Event()
    server = threading.Thread(target=serve_test_printer, args=("127.0.0.1", 0),
                              kwargs={"columns": 48, "stop": stop, "echo": said.put})
    server.start()
    try:
        banner = said.get(timeout=10)
        url = banner.split()[4]
        printer = EscposPrinter(f"{url}?paper=80")
        printer.print_bytes(encode_receipt(samples.loss_report(), printer.config))
        job = said.get(timeout=10)
        printer.close()
    finally:
        stop.set()
        server.join()

    assert banner.startswith("test printer listening on tcp://127.0.0.1:")
    assert job.splitlines()[0].startswith("----- job 1 (")
    assert job.split("\n", 1)[1] == EXPECTED["loss_report"]
    assert said.get(timeout=10) == "test printer stopped"
