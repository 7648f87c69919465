"""``canteen restore-drill``: prove the latest backup restores to the state its manifest describes.

The backup is restored into a scratch database; ``canteen ledger verify`` and ``canteen audit verify`` run on
it as the commands a person would run; its chain heads and totals are compared with the manifest (read from
the source in the backup's own snapshot). Any difference fails the drill.
"""
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from canteen.ops import pgurl
from canteen.ops.backup import Backup
from canteen.ops.figures import differences, ledger_figures
from canteen.ops.restore import drop_database, restore_backup

#: Runs the ``canteen`` command with this interpreter, whether or not the script is on PATH.
_CANTEEN = "import sys; from canteen.cli.main import main; sys.argv[0] = 'canteen'; main()"


@dataclass
class DrillReport:
    """What the drill did and found; ``ok`` only when nothing differs and every check passed."""

    backup: Path
    scratch: str
    restore_seconds: float = 0.0
    verify_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def scratch_url_for(source_url: str) -> str:
    """A new database name on the source's PostgreSQL server, or a new SQLite file in a temporary folder."""
    if pgurl.is_postgres(source_url):
        return make_url(source_url).set(database=f"canteen_drill_{uuid.uuid4().hex[:12]}") \
            .render_as_string(hide_password=False)
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='canteen-drill-')) / 'drill.db'}"


def run_command(database_url: str, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    """``canteen <args>`` against `database_url` in a fresh process (with every plugin loaded)."""
    env = dict(os.environ, CANTEEN_DATABASE_URL=database_url, CANTEEN_DISABLED_APPS="")
    env.pop("CANTEEN_CONFIG", None)
    return subprocess.run([sys.executable, "-c", _CANTEEN, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def restore_drill(backup: Backup, scratch_url: str, *, keep: bool = False, jobs: int = 1) -> DrillReport:
    """Restore `backup` into `scratch_url` (which must not hold a database yet), verify and compare."""
    report = DrillReport(backup.path, make_url(scratch_url).render_as_string(hide_password=True))
    started = time.monotonic()
    try:
        restore_backup(backup, scratch_url, jobs=jobs)
        report.restore_seconds = time.monotonic() - started
        started = time.monotonic()
        for command in (("ledger", "verify"), ("audit", "verify")):
            done = run_command(scratch_url, *command)
            if done.returncode != 0:
                reason = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
                report.problems.append(f"canteen {' '.join(command)} failed on the restored copy: {reason[0]}")
        engine = create_engine(scratch_url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                found = ledger_figures(conn)
        finally:
            engine.dispose()
        report.problems += [f"differs from the source at the backup: {line}"
                            for line in differences(backup.manifest["figures"], found)]
        report.verify_seconds = time.monotonic() - started
    finally:
        if not keep:
            discard_scratch(scratch_url)
    return report


def discard_scratch(scratch_url: str) -> None:
    if pgurl.is_postgres(scratch_url):
        drop_database(scratch_url)
    else:
        path = Path(make_url(scratch_url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
