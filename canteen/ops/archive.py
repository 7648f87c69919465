"""Point-in-time recovery: a pgBackRest repository of full backups and the archived WAL between them.

``canteen backup`` (a dump) restores to the moment of the backup; a WAL archive restores to any moment after the
first full backup, so a mistake (a wrong bulk grant, a dropped table) or a lost disk costs nothing acknowledged
before the chosen moment. pgBackRest (Debian's ``pgbackrest``) does the work, as PostgreSQL's own
``archive_command``; we do not write our own archiver, because a WAL archive must never acknowledge a segment it
has not stored, and pgBackRest's push, checksums, retention and parallel restore are what production clusters
use. This module writes its configuration and runs its commands, for the tests and for the README's
procedure (README "Point-in-time recovery"; ``deploy/pgbackrest/pgbackrest.conf`` is the production example).
"""
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from canteen.ops.cluster import ClusterError, as_owner, give_to_owner

#: The stanza (pgBackRest's name for one cluster's backups) the canteen's examples use.
STANZA = "canteen"


@dataclass
class Stanza:
    """One pgBackRest stanza: its configuration file and name."""

    config: Path
    name: str = STANZA

    def run(self, command: str, *options: str, timeout: float = 600) -> str:
        """``pgbackrest --config=... --stanza=... <options> <command>`` as the cluster's owner."""
        cmd = ["pgbackrest", f"--config={self.config}", f"--stanza={self.name}", *options, command]
        try:
            done = subprocess.run(as_owner(cmd), capture_output=True, text=True, timeout=timeout)
        except FileNotFoundError as exc:
            raise ClusterError("pgbackrest is not installed (Debian: apt-get install pgbackrest)") from exc
        if done.returncode != 0:
            reason = (done.stderr.strip() or done.stdout.strip()).splitlines()
            raise ClusterError(f"pgbackrest {command} failed ({done.returncode}): {' '.join(reason[-3:])}")
        return done.stdout

    @property
    def archive_command(self) -> str:
        """PostgreSQL's ``archive_command``: WAL segments go to the repository as they fill."""
        return f"pgbackrest --config={self.config} --stanza={self.name} archive-push %p"

    def postgresql_settings(self) -> list[str]:
        """What the cluster's ``postgresql.conf`` needs for archiving (a restart applies ``archive_mode``)."""
        return ["wal_level = replica", "archive_mode = on", f"archive_command = '{self.archive_command}'",
                "archive_timeout = 60"]

    def create(self) -> None:
        """``stanza-create`` then ``check``: the repository exists and PostgreSQL archives into it."""
        self.run("stanza-create")
        self.run("check")

    def backup(self, kind: str = "full") -> None:
        """A ``full``, ``diff`` or ``incr`` backup of the running cluster (with an immediate checkpoint)."""
        self.run("backup", f"--type={kind}", "--start-fast")

    def flush_archive(self) -> None:
        """Switch to a new WAL segment and wait until the last one is in the repository (``check`` does both):
        what was committed up to now can then be recovered without the cluster's own disk."""
        self.run("check")

    def restore_to(self, data: Path, target: datetime) -> None:
        """Restore into the empty or absent directory `data` and set recovery to stop at `target`: every
        transaction committed at or before it is replayed, none after; the cluster then promotes itself."""
        data.mkdir(parents=True, exist_ok=True)
        give_to_owner(data)
        data.chmod(0o700)
        self.run("restore", f"--pg1-path={data}", "--type=time", f"--target={recovery_time(target)}",
                 "--target-action=promote", "--archive-mode=off")


def recovery_time(moment: datetime) -> str:
    """`moment` as PostgreSQL's ``recovery_target_time`` reads it (UTC, microseconds; naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00")


def write_config(folder: Path, *, data: Path, port: int, socket_dir: Path, user: str = "root") -> Stanza:
    """A pgBackRest configuration for the cluster at `data` with its repository, logs and locks in `folder`
    (one machine; ``deploy/pgbackrest/pgbackrest.conf`` shows a repository on another host)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("repo", "log", "lock", "spool"):
        (folder / sub).mkdir(exist_ok=True)
        give_to_owner(folder / sub)
    config = folder / "pgbackrest.conf"
    config.write_text(
        "[global]\n"
        f"repo1-path={folder / 'repo'}\n"
        "repo1-retention-full=2\n"
        f"log-path={folder / 'log'}\n"
        f"lock-path={folder / 'lock'}\n"
        f"spool-path={folder / 'spool'}\n"
        "log-level-console=warn\n"
        "log-level-file=info\n"
        "compress-type=zst\n"
        "\n"
        f"[{STANZA}]\n"
        f"pg1-path={data}\n"
        f"pg1-port={port}\n"
        f"pg1-socket-path={socket_dir}\n"
        f"pg1-user={user}\n")
    give_to_owner(config)
    return Stanza(config)
