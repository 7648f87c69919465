"""The terminal's print queue: a payment never waits on the printer, and no original receipt is ever lost.

``enqueue()`` writes the receipt to the queue file and returns; a worker thread prints jobs one at a time in
the order taken. A printer that is off, unplugged, out of paper or with its cover open keeps its jobs queued as
unprinted originals, however long it takes: they are tried again with backoff (capped at the last step, 30 s by
default; a printer that needs a person is checked every ``attention_interval``) and print, in order, as
originals when the printer is back (at once when the till sees it back, :meth:`PrintQueue.retry_now`). Only a
receipt that cannot be rendered at all is marked failed. A copy (副本) is printed only when a cashier asks for one.
Pending jobs survive a restart because they live in the file, not in memory.
"""
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from .config import PrinterConfig
from .encoder import encode_receipt
from .errors import PrinterError
from .queue_store import JobStore, PrintJob
from .receipt import Receipt

log = logging.getLogger(__name__)


class ReceiptPrinter(Protocol):
    """What the queue needs from a printer (see :class:`printers.escpos_backend.EscposPrinter`)."""

    config: PrinterConfig

    def print_bytes(self, data: bytes) -> None:
        """Print or raise PrinterError."""


class PrintQueue:
    """A persisted, ordered print queue for one printer, with its own worker thread."""

    def __init__(self, path: str | Path, printer: ReceiptPrinter, *, backoff: tuple[float, ...] = (2, 5, 15, 30),
                 attention_interval: float = 10.0, clock: Callable[[], float] = time.time,
                 on_change: Callable[[PrintJob], None] | None = None):
        if not backoff or min(backoff) <= 0:
            raise ValueError("backoff must be positive seconds, not empty")
        self.store = JobStore(path)
        self.printer = printer
        self.backoff = backoff
        #: seconds between checks while the printer waits for paper or a closed cover
        self.attention_interval = attention_interval
        self.clock = clock
        #: told of every job after each attempt (printed, waiting, failed), e.g. to refresh the cashier's list
        self.on_change = on_change
        self._kick = threading.Event()
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def enqueue(self, receipt: Receipt) -> PrintJob:
        """Queue a receipt and return at once; the worker prints it."""
        job = self.store.add(receipt, self.clock())
        self._kick.set()
        return job

    def reprint(self, job_id: int, *, operator: str | None = None, at: datetime | None = None) -> PrintJob:
        """Queue a copy of a job's receipt, re-rendered and marked 副本, e.g. after it failed to print."""
        job = self.store.get(job_id)
        if job is None:
            raise LookupError(f"no print job {job_id}")
        copy = job.receipt.as_copy(at or datetime.now(), operator)
        new = self.store.add(copy, self.clock(), copy_of=job.copy_of or job.id)
        log.info("receipt %s (%s) queued for reprint as job %s by %s", job.id, job.kind, new.id, operator)
        self._kick.set()
        return new

    def retry_now(self) -> None:
        """Try waiting jobs at once instead of at their next check, e.g. when the cashier says paper is in."""
        self.store.make_due(self.clock())
        self._kick.set()

    def job(self, job_id: int) -> PrintJob | None:
        """One job by id."""
        return self.store.get(job_id)

    def jobs(self, status: str | None = None, limit: int = 100) -> list[PrintJob]:
        """Jobs newest first, optionally only ``queued``, ``printed`` or ``failed`` ones."""
        return self.store.list(status, limit)

    def process_next(self) -> float | None:
        """Try the oldest queued job if it is due.

        Returns 0 after an attempt, the seconds until the oldest job is due, or None when nothing is queued.
        The worker thread loops on this; tests call it directly to step the queue.
        """
        job = self.store.head()
        if job is None:
            return None
        now = self.clock()
        if job.next_attempt_ts > now:
            return job.next_attempt_ts - now
        try:
            self.printer.print_bytes(encode_receipt(job.receipt, self.printer.config))
        except PrinterError as exc:
            self._record_failure(job, exc, now)
        except Exception as exc:  # a broken receipt must not block the receipts behind it
            log.exception("print job %s could not be rendered or sent", job.id)
            self.store.mark_failed(job.id, "internal", f"小票无法生成：{exc}")
        else:
            self.store.mark_printed(job.id, now)
            log.info("print job %s (%s) printed", job.id, job.kind)
        self._notify()
        if self.on_change is not None:
            try:
                self.on_change(self.store.get(job.id))
            except Exception:  # noqa: BLE001 - a listener must not stop the printing
                log.exception("print job %s: change listener failed", job.id)
        return 0.0

    def _record_failure(self, job: PrintJob, exc: PrinterError, now: float) -> None:
        """Keep the job queued, an original still to print, and try it again later: at the next check when the
        printer needs a person, else after the backoff (counted, capped at its last step)."""
        if exc.needs_attention:
            log.warning("print job %s waits: %s", job.id, exc.message)
            self.store.mark_deferred(job.id, exc.code, exc.message, now + self.attention_interval, False)
            return
        delay = self.backoff[min(job.attempts, len(self.backoff) - 1)]
        log.warning("print job %s attempt %s failed, retry in %ss: %s", job.id, job.attempts + 1, delay, exc.message)
        self.store.mark_deferred(job.id, exc.code, exc.message, now + delay, True)

    def has_waiting(self) -> bool:
        """Whether a queued job waits for a retry (the printer failed it)."""
        head = self.store.head()
        return head is not None and head.error_code is not None

    def _notify(self) -> None:
        """Wake anyone in :meth:`wait_for`."""
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, job_id: int, until: Callable[[PrintJob], bool], timeout: float) -> PrintJob:
        """Block until ``until(job)`` holds after a worker step, or ``timeout`` passes; returns the job."""
        with self._changed:
            self._changed.wait_for(lambda: until(self.store.get(job_id)), timeout)
        return self.store.get(job_id)

    def start(self) -> "PrintQueue":
        """Start the worker thread (pending jobs from before a restart print first)."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker after its current job; queued jobs stay in the file."""
        self._stopping.set()
        self._kick.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> "PrintQueue":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run(self) -> None:
        """Worker loop: step the queue, then sleep until the next job is due or a new one arrives."""
        while not self._stopping.is_set():
            # Clear before the step, so a job queued during it wakes the wait below at once.
            self._kick.clear()
            try:
                delay = self.process_next()
            except Exception:  # e.g. the queue file's disk is full: keep the worker alive and try again
                log.exception("print queue step failed")
                delay = self.attention_interval
            if delay == 0.0:
                continue
            self._kick.wait(delay)
