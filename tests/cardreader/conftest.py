"""Fixtures for the card reader tests: the real pcscd + vpcd stack and monitors watching its readers."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from tests.cardreader.event_log import EventLog
from tests.cardreader.pcsc_stack import SLOT0_READER, PcscStack


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscStack]:
    """pcscd serving the vsmartcard-vpcd readers for the whole session (started here if it was not running)."""
    stack = PcscStack(tmp_path_factory.mktemp("pcscd")).open()
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def start_monitor(pcsc_stack: PcscStack) -> Iterator[Callable[..., tuple[object, EventLog]]]:
    """Start a PC/SC monitor on a name pattern; returns it with its event log. Every monitor is stopped after."""
    from cardreader.pcsc import PcscReaderMonitor

    monitors: list[PcscReaderMonitor] = []

    def start(pattern: str = SLOT0_READER, **options: object) -> tuple[PcscReaderMonitor, EventLog]:
        log = EventLog()
        monitor = PcscReaderMonitor(log.queue, pattern, **options).start()
        monitors.append(monitor)
        return monitor, log

    yield start
    for monitor in monitors:
        monitor.stop()
