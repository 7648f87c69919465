"""PostgreSQL helpers for the benchmarks: scratch databases, pgbench, and wait-event sampling."""
import collections
import re
import shutil
import subprocess
import threading
import time

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DEFAULT_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"


def database_url(admin_url: str, name: str) -> str:
    """The admin URL with its database replaced by `name` (libpq URI form)."""
    params = conninfo_to_dict(admin_url)
    params["dbname"] = name
    user = params.get("user", "")
    password = params.get("password")
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgresql://{auth}{host}:{port}/{name}"


def conninfo(url: str) -> str:
    """A libpq conninfo string psycopg and pgbench both accept."""
    return make_conninfo(url)


def create_database(admin_url: str, name: str) -> None:
    """Drop `name` if it exists (forcing out its sessions), then create it empty."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(admin_url: str, name: str) -> None:
    """Drop `name`, forcing out any session still connected."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def checkpoint(admin_url: str) -> None:
    """Flush dirty buffers now, so no phase pays for the previous phase's checkpoint (needs superuser)."""
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error:
        pass


def server_settings(admin_url: str) -> dict:
    """The settings that decide commit cost and parallelism."""
    names = ("server_version", "synchronous_commit", "fsync", "wal_sync_method", "commit_delay",
             "max_connections", "shared_buffers")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return {n: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(n))).fetchone()[0] for n in names}


_TPS = re.compile(r"^tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)",
                  re.M)


def pgbench(admin_url: str, name: str, *, clients: int, threads: int, seconds: int) -> dict:
    """``pgbench -i -s 1`` into a scratch database, then the tpcb-like built-in for `seconds`; its tps."""
    exe = shutil.which("pgbench")
    if exe is None:
        raise RuntimeError("pgbench not found on PATH (install postgresql-client)")
    create_database(admin_url, name)
    target = conninfo(database_url(admin_url, name))
    subprocess.run([exe, "-i", "-s", "1", "-q", target], check=True, capture_output=True, text=True)
    checkpoint(admin_url)
    run = subprocess.run([exe, "-c", str(clients), "-j", str(threads), "-T", str(seconds), "-b", "tpcb-like",
                          target], check=True, capture_output=True, text=True)
    match = _TPS.search(run.stdout)
    if match is None:
        raise RuntimeError(f"cannot read tps from pgbench output:\n{run.stdout}\n{run.stderr}")
    latency = re.search(r"^latency average = ([0-9.]+) ms", run.stdout, re.M)
    return {"tps": float(match.group(1)), "latency_avg_ms": float(latency.group(1)) if latency else None,
            "output": run.stdout}


class WaitSampler(threading.Thread):
    """Samples pg_stat_activity of one database every `interval` seconds while the load runs.

    Each sample counts the client backends by what they are doing: running on CPU, waiting
    on a lock (and which), waiting for WAL flush, idle in transaction (the application holds
    the transaction open while Python works), or idle (waiting for the application).
    """

    def __init__(self, url: str, database: str, interval: float = 0.1):
        super().__init__(daemon=True, name="wait-sampler")
        self.url, self.database, self.interval = url, database, interval
        self.counts: collections.Counter = collections.Counter()
        self.lock_queries: collections.Counter = collections.Counter()
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        query = ("SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
                 "FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
                 "AND pid <> pg_backend_pid()")
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._halt.is_set():
                for state, wtype, wevent, text in conn.execute(query, (self.database,)):
                    self.counts[_classify(state, wtype, wevent)] += 1
                    if wtype == "Lock":
                        self.lock_queries[f"{wevent}: {text}"] += 1
                self.samples += 1
                self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def report(self) -> list[str]:
        """Average number of backends in each state per sample, busiest first."""
        if not self.samples:
            return ["(no samples)"]
        lines = [f"{n / self.samples:6.2f}  {what}" for what, n in self.counts.most_common()]
        total_lock = sum(self.lock_queries.values())
        for what, n in self.lock_queries.most_common(4):
            lines.append(f"        lock wait {n / max(total_lock, 1):4.0%} on: {what}")
        return lines


def _classify(state, wtype, wevent) -> str:
    if state == "active":
        if wtype is None:
            return "active: running (CPU)"
        return f"active: waiting {wtype}:{wevent}"
    if state == "idle in transaction":
        return "idle in transaction (app works with the transaction open)"
    return f"{state or 'unknown'} (waiting for the app)"


def postgres_pids() -> list[int]:
    """PIDs of every local postgres process (to account its CPU time), empty if it runs elsewhere."""
    return [pid for pid in _all_pids() if _comm(pid) in ("postgres", "postmaster")]


def _all_pids() -> list[int]:
    import os

    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def wait_until(predicate, timeout: float, step: float = 0.1) -> bool:
    """Poll `predicate` until true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
