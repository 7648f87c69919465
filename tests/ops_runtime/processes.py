"""Processes the operations tests start and stop themselves: a private redis-server, a private nginx."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import redis

from tests.offline.faults import free_port, wait_until
from tests.services import missing_service


class OwnRedis:
    """A redis-server of the test's own on a free port, without persistence, that the test stops and starts."""

    def __init__(self, folder: Path) -> None:
        if not shutil.which("redis-server"):
            missing_service("redis-server", "apt-get install -y redis-server")
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        wait_until(lambda: client.ping(), 15, "redis-server start")
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


class OwnNginx:
    """nginx as this test's own process (``-p prefix -c conf``, in the foreground), on a free port."""

    def __init__(self, folder: Path, config: str) -> None:
        if not shutil.which("nginx"):
            missing_service("nginx", "apt-get install -y nginx")
        self.folder, self.process = folder, None
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        (folder / "nginx.conf").write_text(config)

    def start(self, port: int) -> "OwnNginx":
        with open(self.folder / "logs" / "stderr.log", "ab") as errors:
            self.process = subprocess.Popen(["nginx", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=errors)

        def up() -> bool:
            import socket
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return True
            except OSError:
                return self.process.poll() is not None

        wait_until(up, 15, "nginx start")
        if self.process.poll() is not None:
            raise RuntimeError("nginx did not start: " + (self.folder / "logs" / "stderr.log").read_text()
                               + (self.folder / "logs" / "error.log").read_text())
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
