"""``canteen reports rollup``: bring the report pre-aggregates up to the journal's last entry."""
import click
from flask import current_app
from flask.cli import AppGroup

from canteen.cli.refusals import database_errors, fail
from canteen.extensions import db
from canteen.ledger.checkpoints import daily_checkpoint
from canteen.reports.rollup import BATCH, rollup


@click.group(cls=AppGroup)
def reports():
    """Report pre-aggregates."""


@reports.command("rollup")
@click.option("--batch", type=int, default=BATCH, show_default=True, help="Entries added per transaction")
@click.option("--quiet", is_flag=True, help="Print nothing when all went well (for cron)")
def rollup_command(batch, quiet):
    """Add every journal entry after the watermark to the report tallies.

    Safe to run at any time and from several machines at once: each batch locks the rollup's state row,
    and reports are exact whether the rollup ran a second or a month ago (it only makes them faster).
    The first run of each business day also signs the day's ledger checkpoint when CHECKPOINT_KEY is set.
    """
    if batch < 1:
        fail("--batch must be at least 1")

    def progress(low, high):
        if not quiet:
            click.echo(f"rolled up entries {low + 1}..{high}")

    with database_errors("roll up the reports"):
        first, last = rollup(db.session, batch=batch, progress=progress)
        config = current_app.config
        signed = daily_checkpoint(db.session, config.get("CHECKPOINT_KEY") or "", config["TIMEZONE"])
        db.session.commit()
    if signed is not None and not quiet:
        click.echo(f"daily checkpoint {signed.id}: entry {signed.entry_id} hash {signed.entry_hash}")
    if not quiet:
        click.echo(f"report tallies reach entry {last}" + (" (nothing new)" if first == last else ""))
