"""Fixtures for the operations tests: a primary and a synchronous standby of our own, on other ports."""
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from canteen.ops import cluster
from tests.services import missing_service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def primary_and_standby():
    """A primary and its synchronous streaming standby in a temporary folder; both removed afterwards."""
    try:
        cluster.pg_tool("initdb")
        cluster.pg_tool("pg_basebackup")
    except cluster.ClusterError as exc:
        missing_service("PostgreSQL server tools", str(exc))
    folder = Path(tempfile.mkdtemp(prefix="canteen-standby-"))
    folder.chmod(0o755)
    primary = cluster.init_primary(folder, free_port())
    primary.sql("CREATE DATABASE canteen")
    standby = cluster.init_standby(primary, folder, free_port())
    try:
        yield primary, standby
    finally:
        cluster.discard(standby)
        cluster.discard(primary)
        shutil.rmtree(folder, ignore_errors=True)
