"""The till's receipt desk: the persisted print queue wired to the configured printer.

Workflows call :meth:`ReceiptDesk.enqueue` after the server booked an operation and return at once: the queue's
worker prints in the background, so a payment never waits on the printer. A printer that is off or out of paper
keeps its receipts queued; when the health check sees it back they print at once, in order, as originals. A copy
(副本) is printed only when the cashier asks. A till without a printer configured keeps no queue and says so.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from pos import status_words as words
from pos.event_hub import EventHub
from printers import PrinterConfig, PrintJob, PrintQueue, Receipt, receipt_text

log = logging.getLogger(__name__)


def job_dict(job: PrintJob, zone: ZoneInfo | None = None, columns: int | None = None) -> dict:
    """A print job as the cashier page lists it; `time` is the receipt's own (local) time with its date; with
    `columns`, the receipt's text as it prints (``preview``), shown beside the result of the action."""
    data = {"id": job.id, "kind": job.kind, "title": job.receipt.title, "status": job.status,
            "state_text": job.state_text, "entry_no": job.receipt.entry_no, "copy": job.receipt.copy,
            "copy_of": job.copy_of, "time": _local(job.receipt.time, zone).strftime("%Y-%m-%d %H:%M:%S"),
            "waiting": job.waiting_for_printer}
    if columns:
        data["preview"] = receipt_text(job.receipt, columns, cut=False)
    return data


def _local(moment: datetime, zone: ZoneInfo | None) -> datetime:
    """`moment` in the till's zone (a naive time is already local: receipts are built in local time)."""
    return moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment


class ReceiptDesk:
    """The print queue of one till (or none, when no printer is configured)."""

    def __init__(self, config: PrinterConfig | None, queue_path, hub: EventHub, printer=None,
                 zone: ZoneInfo | None = None) -> None:
        self.config, self.hub, self.zone = config, hub, zone
        self.printer = printer
        self.queue: PrintQueue | None = None
        if config is not None:
            if self.printer is None:
                from printers import open_printer
                self.printer = open_printer(config)
            self.queue = PrintQueue(queue_path, self.printer, on_change=self._changed)

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
        self.hub.publish("receipt", job_dict(job, self.zone))
        return job

    def _changed(self, job: PrintJob) -> None:
        """Tell the pages what became of a job after each attempt (printed, waiting for the printer, failed)."""
        self.hub.publish("receipt", job_dict(job, self.zone))

    def job_view(self, job: PrintJob) -> dict:
        """A job for the page, with the receipt's text at this printer's width."""
        return job_dict(job, self.zone, self.config.line_columns if self.config else None)

    def waiting(self) -> int | None:
        """Receipts waiting to print (None without a printer): the heartbeat reports it for /metrics."""
        return None if self.queue is None else len(self.queue.jobs("queued", 10000))

    def jobs(self, status: str | None = None, limit: int = 50) -> list[dict]:
        """Recent jobs, newest first."""
        return [job_dict(job, self.zone) for job in self.queue.jobs(status, limit)] if self.queue else []

    def reprint(self, job_id: int, operator: str) -> dict:
        """Queue a 副本 of a job; LookupError when there is no such job."""
        if self.queue is None:
            raise LookupError("no printer configured")
        job = self.queue.reprint(job_id, operator=operator, at=datetime.now(self.zone))
        self.hub.publish("receipt", job_dict(job, self.zone))
        return self.job_view(job)

    def retry_now(self) -> None:
        """Try waiting jobs at once (paper loaded)."""
        if self.queue is not None:
            self.queue.retry_now()

    def health(self) -> tuple[bool | None, str, dict]:
        """The printer's state for the status light: ok, the message id of its words, and how many receipts wait or
        failed (with the blanks of the words, or the printer's own fuller sentence, for :meth:`HealthBoard.set`)."""
        if self.queue is None:
            return None, words.NO_PRINTER, {}
        failed = self.queue.jobs("failed", 100)
        copied = {job.copy_of for job in self.queue.jobs("printed", 200) if job.copy_of is not None}
        counts = {"failed": len([job for job in failed if job.id not in copied]),
                  "queued": len(self.queue.jobs("queued", 100))}
        status = self.printer.status()
        if status.error:
            return False, words.PRINTER_UNREACHABLE, dict(counts, message=status.error)
        if status.paper == "out":
            return False, words.PAPER_OUT, counts
        if status.online is False:
            return False, words.PRINTER_OFFLINE, counts
        if self.queue.has_waiting():  # the printer is back: its waiting originals print now, in order
            log.info("printer back: printing the %s waiting receipts", counts["queued"])
            self.queue.retry_now()
        if counts["failed"]:
            return True, words.PRINTER_OK_FAILED_JOBS, dict(counts, args={"failed": counts["failed"]})
        return True, words.PAPER_LOW if status.paper == "near_end" else words.PRINTER_OK, counts
