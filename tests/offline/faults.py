"""Real parts to break: the server under gunicorn as a process group we SIGKILL, our own PostgreSQL and Redis.

The shared PostgreSQL and Redis on 5432/6379 are never touched: the restart tests start their own.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.services import missing_service


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str) -> None:
    """Poll `predicate` until true; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} not within {timeout} s")


class ServerProcess:
    """``canteen serve`` on one port, in its own process group so SIGKILL takes master and workers at once."""

    def __init__(self, database_url: str, log_dir: Path, redis_url: str = "", workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, CANTEEN_DATABASE_URL=database_url, CANTEEN_SECRET_KEY="fault-test",
                        CANTEEN_DOUBLE_TAP_SECONDS="0", CANTEEN_REDIS_URL=redis_url,
                        CANTEEN_DISABLED_APPS=os.environ.get("CANTEEN_DISABLED_APPS", "admin"),
                        CANTEEN_INSTANCE_DIR=str(log_dir))
        self.workers, self.log_dir, self.process = workers, log_dir, None
        self.kills = 0

    def start(self) -> "ServerProcess":
        """Start and wait until /healthz answers."""
        log = open(self.log_dir / "server.log", "ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "canteen"), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--threads", "6"],
            env=self.env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        wait_until(lambda: requests.get(self.url + "/healthz", timeout=0.5).status_code == 200, 30, "server start")
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers, mid-request or not)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.kills += 1

    def stop(self) -> None:
        """End it for good."""
        self.kill()


class OwnPostgres:
    """A private PostgreSQL cluster in a temp dir, on its own port, that a test may restart."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            missing_service("PostgreSQL binaries", "no /usr/lib/postgresql/*/bin/initdb to start a private cluster")
        self.bin = Path(binaries[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="canteen-pg-"))
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._user:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(self._user + [str(self.bin / tool), *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start (or start again) and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def restart(self) -> None:
        """Fast shutdown (connections cut, in-flight transactions rolled back), then start."""
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-m", "fast", "-w",
                  "restart", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off")

    def stop(self) -> None:
        """Stop and remove the cluster."""
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class OwnRedis:
    """A private redis-server on its own port, that a test may stop."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing_service("redis-server", "not installed, so no private Redis can be started")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        """Start and wait until it answers."""
        import redis

        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: redis.Redis(port=self.port, socket_timeout=0.5).ping(), 10, "redis start")

    def stop(self) -> None:
        """Stop it (the server must carry on without)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
