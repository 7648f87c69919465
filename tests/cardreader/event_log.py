"""Waiting for reader events in tests: every event kept in order, waits bounded by a deadline.

A deadline only bounds how long a test waits for an outcome that must come; no test asserts how fast it came.
"""
from __future__ import annotations

import queue
import time
from typing import Callable

from cardreader.events import ReaderEvent


class EventLog:
    """Collects the events a reader sends to `self.queue`."""

    def __init__(self) -> None:
        self.queue: queue.Queue[ReaderEvent] = queue.Queue()
        self.events: list[ReaderEvent] = []

    def _pull(self, timeout: float) -> None:
        try:
            self.events.append(self.queue.get(timeout=timeout))
        except queue.Empty:
            return
        while True:
            try:
                self.events.append(self.queue.get_nowait())
            except queue.Empty:
                return

    def wait_for(self, predicate: Callable[[ReaderEvent], bool], what: str, timeout: float = 10.0,
                 after: int = 0) -> int:
        """Index of the first event from index `after` on that satisfies `predicate`; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for index in range(after, len(self.events)):
                if predicate(self.events[index]):
                    return index
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = "\n  ".join(repr(e) for e in self.events[after:]) or "(none)"
                raise AssertionError(f"no {what} within {timeout:g} s; events seen:\n  {seen}")
            self._pull(min(remaining, 0.1))

    def of_type(self, kind: type, after: int = 0) -> list:
        """The events of `kind` received so far, from index `after` on."""
        self._pull(0)
        return [e for e in self.events[after:] if isinstance(e, kind)]
