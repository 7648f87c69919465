"""The till's receipt desk: the persisted print queue wired to the configured printer.

Workflows call :meth:`ReceiptDesk.enqueue` after the server booked an operation and return at once: the queue's
worker prints in the background, so a payment never waits on the printer. Jobs that could not print stay listed
for the cashier, who reprints them as 副本. A till without a printer configured keeps no queue and says so.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from pos import status_words as words
from pos.event_hub import EventHub
from printers import PrinterConfig, PrintJob, PrintQueue, Receipt

log = logging.getLogger(__name__)


def job_dict(job: PrintJob) -> dict:
    """A print job as the cashier page lists it."""
    return {"id": job.id, "kind": job.kind, "title": job.receipt.title, "status": job.status,
            "state_text": job.state_text, "entry_no": job.receipt.entry_no, "copy": job.receipt.copy,
            "copy_of": job.copy_of, "time": job.receipt.time.strftime("%m-%d %H:%M:%S"),
            "waiting": job.waiting_for_printer}


class ReceiptDesk:
    """The print queue of one till (or none, when no printer is configured)."""

    def __init__(self, config: PrinterConfig | None, queue_path, hub: EventHub, printer=None) -> None:
        self.config, self.hub = config, hub
        self.printer = printer
        self.queue: PrintQueue | None = None
        if config is not None:
            if self.printer is None:
                from printers import open_printer
                self.printer = open_printer(config)
            self.queue = PrintQueue(queue_path, self.printer)

    def start(self) -> "ReceiptDesk":
        """Start printing (jobs left from before a restart print first)."""
        if self.queue is not None:
            self.queue.start()
        return self

    def stop(self) -> None:
        """Stop the worker; queued jobs stay in the file."""
        if self.queue is not None:
            self.queue.stop(timeout=10)

    def enqueue(self, receipt: Receipt) -> PrintJob | None:
        """Queue a receipt and return at once; None when the till has no printer."""
        if self.queue is None:
            log.info("no printer configured: %s %s not printed", receipt.title, receipt.entry_no)
            return None
        job = self.queue.enqueue(receipt)
        self.hub.publish("receipt", job_dict(job))
        self._follow(job.id)
        return job

    def _follow(self, job_id: int, timeout: float = 120.0) -> None:
        """Tell the pages when the job printed, failed or started waiting for the printer."""
        def watch() -> None:
            job = self.queue.wait_for(job_id, lambda j: j.status != "queued" or j.error_code is not None, timeout)
            self.hub.publish("receipt", job_dict(job))

        threading.Thread(target=watch, name=f"receipt-{job_id}", daemon=True).start()

    def jobs(self, status: str | None = None, limit: int = 50) -> list[dict]:
        """Recent jobs, newest first."""
        return [job_dict(job) for job in self.queue.jobs(status, limit)] if self.queue else []

    def reprint(self, job_id: int, operator: str) -> dict:
        """Queue a 副本 of a job; LookupError when there is no such job."""
        if self.queue is None:
            raise LookupError("no printer configured")
        job = self.queue.reprint(job_id, operator=operator, at=datetime.now().astimezone())
        self.hub.publish("receipt", job_dict(job))
        self._follow(job.id)
        return job_dict(job)

    def retry_now(self) -> None:
        """Try waiting jobs at once (paper loaded)."""
        if self.queue is not None:
            self.queue.retry_now()

    def health(self) -> tuple[bool | None, str, dict]:
        """The printer's state for the status light: ok, the message id of its words, and how many receipts wait or
        failed (with the blanks of the words, or the printer's own fuller sentence, for :meth:`HealthBoard.set`)."""
        if self.queue is None:
            return None, words.NO_PRINTER, {}
        counts = {"failed": len(self.queue.jobs("failed", 100)), "queued": len(self.queue.jobs("queued", 100))}
        status = self.printer.status()
        if status.error:
            return False, words.PRINTER_UNREACHABLE, dict(counts, message=status.error)
        if status.paper == "out":
            return False, words.PAPER_OUT, counts
        if status.online is False:
            return False, words.PRINTER_OFFLINE, counts
        if counts["failed"]:
            return True, words.PRINTER_OK_FAILED_JOBS, dict(counts, args={"failed": counts["failed"]})
        return True, words.PAPER_LOW if status.paper == "near_end" else words.PRINTER_OK, counts
