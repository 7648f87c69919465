"""The demo's companions: a terminal with the virtual reader and a test printer beside the server.

They run as ``canteen terminal run`` and ``canteen test-printer`` subprocesses, so the core never
imports the terminal or printer packages; without them installed the demo serves the server alone.
"""
import socket
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _canteen(*args: str) -> list[str]:
    """The canteen command as this interpreter runs it."""
    return [sys.executable, "-c", "from canteen.cli.main import main; main()", *args]


def start_demo_companions(host: str, port: int, instance: str) -> list[subprocess.Popen]:
    """Start the test printer and terminal T01 against the server on host:port; return the processes."""
    if not entry_points(group="canteen.terminal_commands", name="run"):
        click.echo("no terminal package installed: serving the server alone")
        return []
    printer_port = _free_port()
    printer = subprocess.Popen(_canteen("test-printer", "--port", str(printer_port), "--columns", "32"))
    terminal = subprocess.Popen(_canteen(
        "terminal", "run", "--server", f"http://{host}:{port}", "--terminal-id", "T01",
        "--terminal-key", "demo-key-T01", "--reader", "virtual",
        "--printer", f"tcp://127.0.0.1:{printer_port}?paper=58",
        "--data-dir", str(Path(instance) / "terminal-T01"), "--port", str(port + 1)))
    click.echo(f"terminal T01 (virtual reader, test printer on :{printer_port}): "
               f"http://127.0.0.1:{port + 1}/  cashier: http://127.0.0.1:{port + 1}/cashier")
    return [printer, terminal]


def start_live_taps() -> subprocess.Popen:
    """``canteen demo-live``: a few taps every minute, so the demo's today stays live."""
    return subprocess.Popen(_canteen("demo-live"))


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop the companions (SIGTERM, then SIGKILL after 5 s)."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
