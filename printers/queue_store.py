"""The print queue's SQLite file: one row per receipt to print, kept after printing or failing.

The terminal writes a job in the same moment it shows the payment result, so the file is opened with
WAL and synchronous=FULL: a job that was acknowledged survives a power cut.
"""
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import WAITING_CODES
from .receipt import Receipt

SCHEMA = """
CREATE TABLE IF NOT EXISTS print_job (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    receipt TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'printed', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error_code TEXT,
    last_error TEXT,
    copy_of INTEGER REFERENCES print_job (id),
    created_ts REAL NOT NULL,
    next_attempt_ts REAL NOT NULL,
    printed_ts REAL
);
CREATE INDEX IF NOT EXISTS ix_print_job_status ON print_job (status, id);
"""
STATE_TEXT = {"queued": "待打印", "printed": "已打印", "failed": "打印失败"}


@dataclass(frozen=True)
class PrintJob:
    """One receipt in the queue and what became of it."""

    id: int
    kind: str
    receipt: Receipt
    #: ``queued`` (not printed yet), ``printed`` or ``failed`` (gave up; reprint as 副本)
    status: str
    #: failed tries that count toward giving up; waiting for paper does not count
    attempts: int
    error_code: str | None
    #: the last reason printing did not succeed, for the page
    last_error: str | None
    #: the job this one reprints
    copy_of: int | None
    created_ts: float
    next_attempt_ts: float
    printed_ts: float | None

    @property
    def waiting_for_printer(self) -> bool:
        """Queued while the printer needs a person: out of paper, cover open."""
        return self.status == "queued" and self.error_code in WAITING_CODES

    @property
    def state_text(self) -> str:
        """The job's state in the cashier's words, with the reason when not printed."""
        text = STATE_TEXT[self.status]
        return f"{text}：{self.last_error}" if self.last_error and self.status != "printed" else text


def _job(row: sqlite3.Row) -> PrintJob:
    """A PrintJob from a database row."""
    data = dict(row)
    data["receipt"] = Receipt.from_dict(json.loads(data["receipt"]))
    return PrintJob(**data)


class JobStore:
    """Rows of the ``print_job`` table in one SQLite file; every method is its own short transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(SCHEMA)

    @contextmanager
    def _connect(self, write: bool = False):
        """A connection for one unit of work; writers take the write lock up front (BEGIN IMMEDIATE)."""
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if write:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if write and conn.in_transaction:
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def add(self, receipt: Receipt, now: float, copy_of: int | None = None) -> PrintJob:
        """Insert a queued job for ``receipt``, due at once."""
        with self._connect(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO print_job (kind, receipt, copy_of, created_ts, next_attempt_ts) VALUES (?, ?, ?, ?, ?)",
                (receipt.kind, json.dumps(receipt.to_dict(), ensure_ascii=False), copy_of, now, now))
            job_id = cursor.lastrowid
        return self.get(job_id)

    def get(self, job_id: int) -> PrintJob | None:
        """The job with this id, or None."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM print_job WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def list(self, status: str | None = None, limit: int = 100) -> list[PrintJob]:
        """Jobs newest first, optionally of one status."""
        with self._connect() as conn:
            if status:
                rows = conn.execute("SELECT * FROM print_job WHERE status = ? ORDER BY id DESC LIMIT ?",
                                    (status, limit)).fetchall()
            else:
                rows = conn.execute("SELECT * FROM print_job ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_job(row) for row in rows]

    def head(self) -> PrintJob | None:
        """The oldest queued job: receipts print in the order they were taken."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM print_job WHERE status = 'queued' ORDER BY id LIMIT 1").fetchone()
        return _job(row) if row else None

    def mark_printed(self, job_id: int, now: float) -> None:
        """Record that the printer took the whole receipt."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE print_job SET status = 'printed', printed_ts = ?, error_code = NULL, "
                         "last_error = NULL WHERE id = ? AND status = 'queued'", (now, job_id))

    def mark_deferred(self, job_id: int, code: str, message: str, next_attempt_ts: float,
                      count_attempt: bool) -> None:
        """Keep the job queued with the reason, to be tried again at ``next_attempt_ts``."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE print_job SET attempts = attempts + ?, error_code = ?, last_error = ?, "
                         "next_attempt_ts = ? WHERE id = ? AND status = 'queued'",
                         (1 if count_attempt else 0, code, message, next_attempt_ts, job_id))

    def mark_failed(self, job_id: int, code: str, message: str) -> None:
        """Give up on the job; it stays listed with the reason and can be reprinted."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE print_job SET status = 'failed', attempts = attempts + 1, error_code = ?, "
                         "last_error = ? WHERE id = ? AND status = 'queued'", (code, message, job_id))

    def make_due(self, now: float) -> None:
        """Make every queued job due now (the cashier loaded paper or fixed the printer)."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE print_job SET next_attempt_ts = ? WHERE status = 'queued' AND next_attempt_ts > ?",
                         (now, now))
