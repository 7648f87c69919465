"""Local PostgreSQL clusters for the standby drill and its test: a primary, a streaming standby, promotion.

These drive PostgreSQL's own tools (``initdb``, ``pg_ctl``, ``pg_basebackup``) on a data directory of our
own on another port; the shared cluster on 5432 is never touched. As root they run as the ``postgres``
user, because ``initdb`` refuses root. A real deployment makes its standby the same way (README
"Backups, restore and standby").
"""
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("CANTEEN_PG_BIN", "/usr/lib/postgresql/15/bin"))
#: The name the standby gives itself when it connects; the primary waits for it on every commit.
STANDBY_NAME = "canteen_standby"


class ClusterError(RuntimeError):
    """A PostgreSQL tool failed; the message carries its output."""


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL server tool (``initdb``, ``pg_ctl`` ...)."""
    path = PG_BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise ClusterError(f"{name} not found in {PG_BIN} or on PATH (install postgresql-15)")
    return found


def as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL's server tools refuse root: run them as ``postgres`` then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


def _run(cmd: list[str], timeout: float = 120) -> str:
    done = subprocess.run(as_owner(cmd), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def give_to_owner(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@dataclass
class Cluster:
    """One PostgreSQL cluster: its data directory and port on 127.0.0.1 (superuser ``root``, trust)."""

    data: Path
    port: int

    @property
    def admin_url(self) -> str:
        return f"postgresql://root@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://root@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        log = self.data.parent / f"{self.data.name}.log"
        log.touch()
        give_to_owner(log)
        _run([pg_tool("pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(log),
              "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data.parent}"])

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster; ``immediate`` is a crash (no shutdown checkpoint), as a lost machine would be."""
        _run([pg_tool("pg_ctl"), "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data)])

    def running(self) -> bool:
        done = subprocess.run(as_owner([pg_tool("pg_ctl"), "status", "-D", str(self.data)]), capture_output=True)
        return done.returncode == 0

    def promote(self) -> None:
        """Make a standby the primary (``pg_ctl promote``), waiting until it accepts writes."""
        _run([pg_tool("pg_ctl"), "promote", "-w", "-t", "60", "-D", str(self.data)])

    def in_recovery(self) -> bool:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]

    def sql(self, statement: str, database: str = "postgres"):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else None


def init_primary(folder: Path, port: int, settings: list[str] = ()) -> Cluster:
    """A new primary in ``folder/primary``, set up for streaming replication (and `settings`, more
    ``postgresql.conf`` lines, e.g. WAL archiving). Commits wait for a synchronous standby only once
    :func:`init_standby` has one streaming (before that, they would wait forever)."""
    folder.mkdir(parents=True, exist_ok=True)
    give_to_owner(folder)
    data = folder / "primary"
    _run([pg_tool("initdb"), "-D", str(data), "-U", "root", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
    settings = ["wal_level = replica", "max_wal_senders = 10", "wal_keep_size = '256MB'",
                "synchronous_commit = on", "fsync = on", "max_connections = 100", *settings]
    with open(data / "postgresql.conf", "a") as conf:
        conf.write("\n# canteen standby drill\n" + "\n".join(settings) + "\n")
    cluster = Cluster(data, port)
    cluster.start()
    return cluster


def init_standby(primary: Cluster, folder: Path, port: int, *, synchronous: bool = True) -> Cluster:
    """A streaming standby of `primary` in ``folder/standby`` (``pg_basebackup -R``), started on `port`. With
    `synchronous` the primary then acknowledges a commit only once this standby has flushed it to disk
    (``synchronous_standby_names`` naming it, ``synchronous_commit = on``)."""
    data = folder / "standby"
    source = (f"host=127.0.0.1 port={primary.port} user=root application_name={STANDBY_NAME}")
    _run([pg_tool("pg_basebackup"), "-d", source, "-D", str(data), "-R", "-X", "stream", "-c", "fast"], timeout=300)
    # pg_basebackup -R leaves application_name out; the primary knows its synchronous standby by that name.
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(f"primary_conninfo = '{source}'\n")
    cluster = Cluster(data, port)
    cluster.start()
    if synchronous:
        primary.sql(f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
        primary.sql("SELECT pg_reload_conf()")
    wanted = "sync" if synchronous else "async"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = primary.sql(f"SELECT sync_state FROM pg_stat_replication WHERE application_name = '{STANDBY_NAME}'")
        if rows and rows[0][0] == wanted:
            return cluster
        time.sleep(0.2)
    raise ClusterError("the standby did not start streaming from the primary within 60 s")


def replication_state(primary: Cluster) -> list[tuple]:
    """``(application_name, state, sync_state)`` of each standby streaming from `primary`."""
    return primary.sql("SELECT application_name, state, sync_state FROM pg_stat_replication") or []


def discard(cluster: Cluster) -> None:
    """Stop `cluster` if it runs (immediately: its data is thrown away) and delete its data directory."""
    if cluster.data.exists() and cluster.running():
        try:
            cluster.stop("immediate")
        except ClusterError:
            pass
    shutil.rmtree(cluster.data, ignore_errors=True)
