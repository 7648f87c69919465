"""The real PC/SC stack for tests: pcscd with the vsmartcard-vpcd driver, started (and restarted) on demand.

Use it from any test package that taps cards through pcscd (the terminal's tests too):
`PcscStack(log_dir).open()` checks pyscard, pcscd and vpcd are installed (else `missing_service`), takes a
machine-wide lock so two test runs never fight over the one pcscd, and starts pcscd unless one is already
serving. `close()` leaves the machine as it was found: it stops a pcscd it started, and starts one again if it
found one running and had to restart it.
"""
from __future__ import annotations

import fcntl
import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.services import missing_service

#: vpcd's two slots: "Virtual PCD 00 00" answers on 35963, "Virtual PCD 00 01" on 35964.
SLOT0_READER, SLOT0_PORT = "Virtual PCD 00 00", 35963
SLOT1_READER, SLOT1_PORT = "Virtual PCD 00 01", 35964
PID_FILE = Path("/run/pcscd/pcscd.pid")
LOCK_FILE = Path("/tmp/canteen-pcsc-tests.lock")
LOCK_WAIT_S = 300.0
READY_WAIT_S = 15.0
STOP_WAIT_S = 15.0
#: How many PcscStack instances of this process hold the machine-wide lock, and its file descriptor.
_lock_holders = 0
_lock_fd: int | None = None


def _pcscd_binary() -> str | None:
    return shutil.which("pcscd") or next((p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if os.access(p, os.X_OK)),
                                         None)


def _vpcd_configured() -> bool:
    drivers = glob.glob("/usr/lib*/pcsc/drivers/serial/libifdvpcd.so*") + glob.glob(
        "/usr/lib/*/pcsc/drivers/serial/libifdvpcd.so*")
    configs = [path for path in glob.glob("/etc/reader.conf.d/*") if "libifdvpcd" in Path(path).read_text()]
    return bool(drivers and configs)


def _pid_alive(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}") and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def _acquire_machine_lock() -> None:
    """Serialise test runs that drive pcscd; re-entrant within one process, which would otherwise wait on itself."""
    global _lock_holders, _lock_fd
    if _lock_holders:
        _lock_holders += 1
        return
    fd = os.open(LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o666)
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                missing_service("pcscd", f"another test run held {LOCK_FILE} for {LOCK_WAIT_S:.0f} s")
            time.sleep(0.2)
    _lock_fd, _lock_holders = fd, 1


def _release_machine_lock() -> None:
    global _lock_holders, _lock_fd
    _lock_holders -= 1
    if _lock_holders == 0 and _lock_fd is not None:
        os.close(_lock_fd)
        _lock_fd = None


class PcscStack:
    """pcscd + vpcd under the test's control."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.binary: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._found_running = False
        self._holds_lock = False
        self._starts = 0
        self._log_path: Path | None = None

    # -- setup and teardown ------------------------------------------------------------------------------------
    def open(self) -> "PcscStack":
        """Check prerequisites, take the lock, make sure pcscd serves the vpcd readers."""
        try:
            from cardreader import pcsc  # noqa: F401 - importing proves pyscard is installed and loads
        except ImportError as exc:
            missing_service("pyscard", f"{exc}; pip install 'pyscard>=2.3,<3' (builds from source: needs gcc, "
                                       "swig, libpcsclite-dev)")
        self.binary = _pcscd_binary()
        if self.binary is None:
            missing_service("pcscd", "no pcscd binary; apt-get install pcscd")
        if not _vpcd_configured():
            missing_service("vsmartcard-vpcd", "no libifdvpcd driver in /etc/reader.conf.d; "
                                               "apt-get install vsmartcard-vpcd")
        _acquire_machine_lock()
        self._holds_lock = True
        try:
            if self.readers() is not None:
                self._found_running = True
            else:
                self.start()
            self.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop what the tests started; restore a pcscd that was running before; release the lock."""
        try:
            if self._process is not None:
                self.stop()
            if self._found_running and self.readers() is None and self.binary:
                # We restarted someone else's pcscd: leave a daemon running, as we found it.
                subprocess.run([self.binary], check=False, timeout=30)
        finally:
            if self._holds_lock:
                self._holds_lock = False
                _release_machine_lock()

    # -- control -----------------------------------------------------------------------------------------------
    @staticmethod
    def readers() -> list[str] | None:
        """The readers pcscd lists now, or None when pcscd does not answer."""
        from cardreader.pcsc import PcscUnavailable, list_readers
        try:
            return list_readers()
        except PcscUnavailable:
            return None

    def start(self) -> None:
        """Start a pcscd of our own in the foreground, logging to the test's log directory."""
        assert self.binary is not None
        self._starts += 1
        log_path = self.log_dir / f"pcscd-{self._starts}.log"
        with open(log_path, "wb") as log_file:
            self._process = subprocess.Popen([self.binary, "--foreground", "--info"], stdout=log_file,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._log_path = log_path

    def wait_ready(self) -> None:
        """Block until pcscd lists both vpcd readers; `missing_service` with pcscd's log when it does not."""
        deadline = time.monotonic() + READY_WAIT_S
        while time.monotonic() < deadline:
            names = self.readers()
            if names is not None and SLOT0_READER in names and SLOT1_READER in names:
                return
            if self._process is not None and self._process.poll() is not None:
                break
            time.sleep(0.05)
        names = self.readers()
        if names is not None:
            missing_service("vsmartcard-vpcd", f"pcscd runs but lists {names}, not {SLOT0_READER!r}; restart "
                                               "pcscd after installing vsmartcard-vpcd")
        tail = self._log_path.read_text(errors="replace")[-2000:] if self._log_path else ""
        missing_service("pcscd", f"did not come up within {READY_WAIT_S:.0f} s (are we root?). Log:\n{tail}")

    def stop(self) -> None:
        """Stop pcscd, ours or the one found running, and wait until it has exited."""
        if self._process is not None:
            process, self._process = self._process, None
            process.terminate()
            try:
                process.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            return
        pid = int(PID_FILE.read_text().strip("\0\n "))
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_S
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                raise RuntimeError(f"pcscd (pid {pid}) did not stop within {STOP_WAIT_S:.0f} s")
            time.sleep(0.02)

    def restart(self) -> None:
        """Stop pcscd and start it again, returning once it serves the vpcd readers."""
        self.stop()
        self.start()
        self.wait_ready()

    def ensure_running(self) -> None:
        """Start pcscd again if a test left it stopped, so one failure does not cascade into the next tests."""
        if self.readers() is None:
            self.start()
        self.wait_ready()
