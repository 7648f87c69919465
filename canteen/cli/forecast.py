"""``canteen forecast make``: store the headcount forecast for the days ahead (run once a day, e.g. from cron)."""
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from canteen.cli.refusals import database_errors, fail
from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import utcnow
from canteen.services.forecasts import HORIZON, make_forecasts


@click.group(cls=AppGroup)
def forecast():
    """The headcount forecast (就餐人数预测)."""


@forecast.command("make")
@click.option("--on", "made_on", default=None, help="The day the forecast is made on (YYYY-MM-DD; default today).")
@click.option("--days", default=HORIZON, show_default=True, type=click.IntRange(1, 31), help="Days ahead.")
def make(made_on: str | None, days: int):
    """Forecast each meal of the next days from the history so far; a day's forecast is made once."""
    try:
        day = date.fromisoformat(made_on) if made_on else business_date(utcnow(), current_app.config["TIMEZONE"])
    except ValueError:
        fail(f"--on must be a date like 2026-11-30, not {made_on!r}")
    with database_errors("make the forecast"):
        rows = make_forecasts(db.session, made_on=day, horizon=days)
        db.session.commit()
    for row in sorted(rows, key=lambda r: (r.day, r.meal_period_id)):
        click.echo(f"{row.day} meal {row.meal_period_id}: {row.expected}  ({row.basis})")
    click.echo(f"{len(rows)} forecasts made on {day}")
