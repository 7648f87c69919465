"""``canteen backup``: a consistent copy of the database, with a manifest of what it holds.

PostgreSQL: one REPEATABLE READ transaction reads the chain heads and totals and exports its snapshot;
``pg_dump --snapshot`` then dumps exactly that snapshot (custom format), so the manifest describes the dump to
the entry while taps go on. SQLite: the online backup API copies the file in one step under one read
transaction (WAL lets writers carry on), and the figures are read from the copy itself.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from canteen.ops import pgurl
from canteen.ops.figures import ledger_figures

MANIFEST = "manifest.json"
PG_DUMP_FILE = "canteen.dump"
SQLITE_FILE = "canteen.db"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why in one line."""


@dataclass
class Backup:
    """One backup directory and its manifest."""

    path: Path
    manifest: dict

    @property
    def data_file(self) -> Path:
        return self.path / self.manifest["file"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _schema_revision(conn) -> str | None:
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def make_backup(database_url: str, root: Path) -> Backup:
    """Back up the database at `database_url` into a new directory under `root`; returns it."""
    started = time.monotonic()
    taken = datetime.now(timezone.utc)
    folder = Path(root) / taken.strftime("%Y%m%dT%H%M%S.%fZ")
    folder.mkdir(parents=True, exist_ok=False)
    try:
        if pgurl.is_postgres(database_url):
            file, taken_at, figures, revision = _pg_backup(database_url, folder)
        else:
            file, taken_at, figures, revision = _sqlite_backup(database_url, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {
        "format": "pg_dump-custom" if file == PG_DUMP_FILE else "sqlite",
        "file": file,
        "sha256": _sha256(folder / file),
        "bytes": (folder / file).stat().st_size,
        "source": make_url(database_url).render_as_string(hide_password=True),
        "snapshot_at": taken_at,
        "schema_revision": revision,
        "seconds": round(time.monotonic() - started, 3),
        "figures": figures,
    }
    # The manifest is written last: a directory without one is an unfinished backup and is never restored.
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    os.replace(tmp, folder / MANIFEST)
    return Backup(folder, manifest)


def _pg_backup(database_url: str, folder: Path):
    dump = shutil.which("pg_dump")
    if dump is None:
        raise BackupError("pg_dump not found on PATH (install postgresql-client)")
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
                taken_at = conn.scalar(text("SELECT now()")).astimezone(timezone.utc).isoformat()
                figures = ledger_figures(conn)
                revision = _schema_revision(conn)
                # The snapshot lives as long as this transaction: pg_dump runs inside it.
                done = subprocess.run([dump, "--format=custom", "--no-owner", "--no-privileges",
                                       f"--snapshot={snapshot}", f"--file={folder / PG_DUMP_FILE}",
                                       pgurl.conninfo(database_url)], capture_output=True, text=True)
                if done.returncode != 0:
                    raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")
    finally:
        engine.dispose()
    return PG_DUMP_FILE, taken_at, figures, revision


def _sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError(f"{database_url}: not a SQLite file")
    return Path(path)


def _sqlite_backup(database_url: str, folder: Path):
    source_path = _sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"{source_path}: no such database file")
    target = folder / SQLITE_FILE
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        taken_at = datetime.now(timezone.utc).isoformat()
        source.backup(copy)  # pages=-1: the whole file in one step, one read transaction, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            figures, revision = ledger_figures(conn), _schema_revision(conn)
    finally:
        engine.dispose()
    return SQLITE_FILE, taken_at, figures, revision


def load_backup(path: Path) -> Backup:
    """The backup in directory `path`; refused when its manifest is missing or its file is not what it says."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{path}: not a finished backup (no {MANIFEST})")
    backup = Backup(path, json.loads(manifest_path.read_text()))
    if not backup.data_file.exists():
        raise BackupError(f"{backup.data_file}: missing")
    if _sha256(backup.data_file) != backup.manifest["sha256"]:
        raise BackupError(f"{backup.data_file}: checksum differs from the manifest (damaged copy)")
    return backup


def latest_backup(root: Path) -> Backup:
    """The newest finished backup under `root`."""
    root = Path(root)
    finished = sorted(p for p in root.iterdir() if (p / MANIFEST).exists()) if root.is_dir() else []
    if not finished:
        raise BackupError(f"no finished backup under {root}")
    return load_backup(finished[-1])
