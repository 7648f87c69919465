"""The terminal's idempotency sequence: a number that only ever goes up, kept on disk.

Every write the terminal sends carries ``<terminal code>-<sequence>`` as its Idempotency-Key. The number is
taken (and made durable) before the request leaves, and a retry after a timeout reuses the number it was given,
so the server books the operation once however often it is sent. After a restart the sequence continues above
the last number handed out, so an old key is never reused for a new operation.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path


class Sequence:
    """A persisted, monotonically increasing counter (one per terminal data directory)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._value = self._load()

    def _load(self) -> int:
        try:
            text = self.path.read_text().strip()
        except FileNotFoundError:
            return 0
        if not text.isdigit():
            raise ValueError(f"sequence file {self.path} is damaged ({text[:20]!r}); restore it from a backup "
                             "or set it above the last key the server saw")
        return int(text)

    @property
    def last(self) -> int:
        """The last number handed out."""
        return self._value

    def next(self, skip: int = 0) -> int:
        """The next number (after skipping `skip`), written through to disk (fsync) before it is returned."""
        with self._lock:
            value = self._value + 1 + skip
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "w") as handle:
                handle.write(str(value))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            self._value = value
            return value
