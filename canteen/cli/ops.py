"""``canteen backup``, ``canteen restore`` and ``canteen restore-drill`` (README "Backups, restore and standby")."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from canteen.cli.refusals import fail
from canteen.ops.backup import BackupError, latest_backup, load_backup, make_backup
from canteen.ops.drill import restore_drill, scratch_url_for
from canteen.ops.restore import restore_backup


def _backup_dir(option: str | None) -> Path:
    return Path(option or current_app.config["BACKUP_DIR"] or Path(current_app.instance_path) / "backups")


def _pick(backup: str, root: Path):
    try:
        return latest_backup(root) if backup == "latest" else load_backup(Path(backup))
    except BackupError as exc:
        fail(str(exc), 1)


@click.command("backup")
@click.option("--to", "root", help="Folder that receives the backup (default: BACKUP_DIR)")
@with_appcontext
def backup(root):
    """Back up the database while it runs: one consistent snapshot and a manifest of its heads and totals."""
    try:
        made = make_backup(current_app.config["DATABASE_URL"], _backup_dir(root))
    except (BackupError, OSError) as exc:
        fail(f"backup failed: {exc}", 1)
    head = made.manifest["figures"]["ledger_head"]
    click.echo(f"backup {made.path}: {made.manifest['format']}, {made.manifest['bytes']} bytes, "
               f"ledger head {head['last_id']} {head['last_hash']}, snapshot at {made.manifest['snapshot_at']}, "
               f"{made.manifest['seconds']} s")


@click.command("restore")
@click.argument("backup_path", metavar="BACKUP", default="latest")
@click.option("--to", "target", required=True, help="Database URL to restore into (new or empty)")
@click.option("--from", "root", help="Folder of backups, for BACKUP = latest (default: BACKUP_DIR)")
@click.option("--replace", is_flag=True, help="Drop and recreate the target if it holds anything")
@click.option("--jobs", default=1, show_default=True, help="Parallel pg_restore jobs (PostgreSQL)")
@with_appcontext
def restore(backup_path, target, root, replace, jobs):
    """Restore a backup directory (or the latest one) into the database at --to."""
    chosen = _pick(backup_path, _backup_dir(root))
    try:
        restore_backup(chosen, target, replace=replace, jobs=jobs)
    except BackupError as exc:
        fail(f"restore failed: {exc}", 1)
    head = chosen.manifest["figures"]["ledger_head"]
    click.echo(f"restored {chosen.path} (ledger head {head['last_id']}); run `canteen ledger verify` on it")


@click.command("restore-drill")
@click.option("--from", "root", help="Folder of backups (default: BACKUP_DIR)")
@click.option("--backup", "backup_path", default="latest", show_default=True, help="Backup directory to drill")
@click.option("--scratch", help="Database URL to restore into (default: a new database next to the source)")
@click.option("--keep", is_flag=True, help="Keep the scratch database afterwards")
@click.option("--jobs", default=1, show_default=True, help="Parallel pg_restore jobs (PostgreSQL)")
@with_appcontext
def restore_drill_command(root, backup_path, scratch, keep, jobs):
    """Restore a backup into a scratch database, verify it and compare it with its manifest. Exit 1 on any
    difference."""
    chosen = _pick(backup_path, _backup_dir(root))
    scratch = scratch or scratch_url_for(current_app.config["DATABASE_URL"])
    try:
        report = restore_drill(chosen, scratch, keep=keep, jobs=jobs)
    except BackupError as exc:
        fail(f"restore drill failed: {exc}", 1)
    head = chosen.manifest["figures"]["ledger_head"]
    click.echo(f"drill of {report.backup} into {report.scratch}: restore {report.restore_seconds:.1f} s, "
               f"verify and compare {report.verify_seconds:.1f} s, ledger head {head['last_id']}")
    if report.ok:
        click.echo("restore drill OK: ledger and audit verify, chain heads and totals equal the source at the backup")
        return
    for problem in report.problems:
        click.echo(f"FAIL: {problem}", err=True)
    raise SystemExit(1)
