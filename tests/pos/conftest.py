"""Fixtures for the terminal: the real server over HTTP, a terminal registered on it, and the terminal app."""
from __future__ import annotations

import pytest

from printers import TestPrinter
from tests.pos.terminal import RunningTerminal


@pytest.fixture
def canteen(world):
    """A canteen open all day (so taps work at any hour) at 10.00 yuan a meal, with a terminal registered."""
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    return world, terminal.code, key


@pytest.fixture
def test_printer():
    """A capturing network printer on 127.0.0.1."""
    with TestPrinter() as printer:
        yield printer


@pytest.fixture
def start_terminal(live_server, canteen, tmp_path):
    """Start the terminal app against the live server; every terminal started is stopped after the test."""
    _, code, key = canteen
    started: list[RunningTerminal] = []

    def start(server_url: str | None = None, **config) -> RunningTerminal:
        terminal = RunningTerminal(server_url or live_server, code, key, tmp_path / f"terminal{len(started)}",
                                   **config)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.stop()


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory):
    """pcscd serving the vsmartcard-vpcd readers (shared with the card reader tests' stack class)."""
    from tests.cardreader.pcsc_stack import PcscStack

    stack = PcscStack(tmp_path_factory.mktemp("pcscd-pos")).open()
    try:
        yield stack
    finally:
        stack.close()
