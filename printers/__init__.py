"""Receipts and receipt printers for the canteen terminal.

Layout (:mod:`~printers.layout`) and encoding (:mod:`~printers.encoder`) are pure; only
:mod:`~printers.escpos_backend` talks to hardware, through python-escpos, and it is imported on first use
so that laying out, decoding and previewing receipts never needs it.
"""
from .config import PrinterConfig, config_from_env, printer_config
from .decoder import decode, decode_text
from .encoder import encode_elements, encode_receipt
from .errors import PrinterError
from .kinds import (card_cancel_receipt, card_issue_receipt, card_reissue_receipt, loss_report_receipt,
                    meal_charge_receipt, refund_receipt, top_up_receipt)
from .layout import PAPER_COLUMNS, layout_receipt, preview_text, receipt_text
from .money import format_fen
from .preview import receipt_html
from .print_queue import PrintQueue
from .queue_store import PrintJob
from .receipt import Field, Receipt, Section
from .shift_report import shift_report_receipt
from .status import PrinterStatus
from .testprinter import TestPrinter, serve_test_printer

__all__ = [
    "EscposPrinter", "Field", "PAPER_COLUMNS", "PrintJob", "PrintQueue", "PrinterConfig", "PrinterError",
    "PrinterStatus", "Receipt", "Section", "TestPrinter", "card_cancel_receipt", "card_issue_receipt",
    "card_reissue_receipt", "config_from_env", "decode", "decode_text", "encode_elements", "encode_receipt",
    "format_fen", "layout_receipt", "loss_report_receipt", "meal_charge_receipt", "open_printer",
    "preview_text", "printer_config", "receipt_html", "receipt_text", "refund_receipt", "serve_test_printer",
    "shift_report_receipt", "top_up_receipt",
]


def __getattr__(name: str):
    """Import the python-escpos backend only when a printer is actually opened."""
    if name in ("EscposPrinter", "open_printer"):
        from . import escpos_backend

        return getattr(escpos_backend, name)
    raise AttributeError(f"module 'printers' has no attribute {name!r}")
