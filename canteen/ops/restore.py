"""``canteen restore``: a backup into a database that holds nothing yet (or, asked to, replaces one)."""
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

from canteen.ops import pgurl
from canteen.ops.backup import PG_DUMP_FILE, Backup, BackupError, _sqlite_path


def restore_backup(backup: Backup, target_url: str, *, replace: bool = False, jobs: int = 1) -> None:
    """Restore `backup` into `target_url`. The target must be new or empty unless `replace`, which drops it
    first. `jobs` > 1 restores PostgreSQL tables and indexes in parallel (not in one transaction then)."""
    if backup.manifest["file"] == PG_DUMP_FILE:
        if not pgurl.is_postgres(target_url):
            raise BackupError("a PostgreSQL backup restores into a PostgreSQL database")
        _pg_restore(backup, target_url, replace, jobs)
    else:
        if pgurl.is_postgres(target_url):
            raise BackupError("a SQLite backup restores into a SQLite file")
        _sqlite_restore(backup, target_url, replace)


def _pg_restore(backup: Backup, target_url: str, replace: bool, jobs: int) -> None:
    tool = shutil.which("pg_restore")
    if tool is None:
        raise BackupError("pg_restore not found on PATH (install postgresql-client)")
    name = pgurl.database_name(target_url)
    if not name:
        raise BackupError(f"{target_url}: no database name")
    prepare_database(target_url, replace)
    cmd = [tool, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={pgurl.conninfo(target_url)}"]
    cmd += [f"--jobs={jobs}"] if jobs > 1 else ["--single-transaction"]
    done = subprocess.run(cmd + [str(backup.data_file)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")


def prepare_database(target_url: str, replace: bool) -> None:
    """Create the target database if absent; refuse one with tables in it unless `replace` (drop and create)."""
    name = pgurl.database_name(target_url)
    admin = pgurl.conninfo(target_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and replace:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        if not exists or replace:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    with psycopg.connect(pgurl.conninfo(target_url), autocommit=True, connect_timeout=10) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    if tables:
        raise BackupError(f"database {name} already holds {tables} tables (use --replace to overwrite it)")


def drop_database(target_url: str) -> None:
    """Drop a scratch database (forcing out its sessions)."""
    name = pgurl.database_name(target_url)
    with psycopg.connect(pgurl.conninfo(target_url, dbname="postgres"), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _sqlite_restore(backup: Backup, target_url: str, replace: bool) -> None:
    target = _sqlite_path(target_url)
    if target.exists() and not replace:
        raise BackupError(f"{target} exists (use --replace to overwrite it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup.data_file, tmp)
    for suffix in ("-wal", "-shm"):  # a stale WAL would be replayed onto the restored file
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
