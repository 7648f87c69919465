"""Commands for self-service and booking: one-time codes for diners, charging no-shows."""
import uuid
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from canteen.cli.refusals import database_errors, fail
from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Person, utcnow
from canteen.services.audit_trail import record_audit
from canteen.services.bookings import charge_no_shows
from canteen.services.common import Actor, Rules
from canteen.services.diner_accounts import MAX_CODE_HOURS, create_setup_code


@click.group(cls=AppGroup)
def diner():
    """Diners' self-service sign-in."""


@diner.command("code")
@click.argument("staff_no")
@click.option("--hours", type=int, default=None, help="How long the code works (default DINER_CODE_HOURS, 24)")
def code(staff_no, hours):
    """Print a one-time code with which the diner STAFF_NO sets their self-service password."""
    hours = hours if hours is not None else int(current_app.config.get("DINER_CODE_HOURS", 24))
    if not 1 <= hours <= MAX_CODE_HOURS:
        fail(f"--hours must be between 1 and {MAX_CODE_HOURS}")
    with database_errors("create a one-time code"):
        person = db.session.scalar(select(Person).where(Person.staff_no == staff_no.strip()))
        if person is None:
            fail(f"no person with staff number {staff_no}")
        try:
            text = create_setup_code(db.session, person, now=utcnow(), hours=hours)
        except DomainError as exc:
            db.session.rollback()
            fail(f"{staff_no}: {exc.message('en')}")
        record_audit(db.session, action="diner.code", result="ok", username="cli", target=f"person:{person.id}",
                     detail=f"valid {hours} h")
        db.session.commit()
    click.echo(f"{person.staff_no} {person.name}: {text} (works once, for {hours} h)")


@click.group(cls=AppGroup)
def bookings():
    """Meal booking (报餐)."""


@bookings.command("charge-no-shows")
@click.option("--date", "day", default=None, help="The meals' date, YYYY-MM-DD (default: yesterday)")
@click.option("--operator", "username", default=None, help="Manager or admin named on the entries")
def charge_no_shows_command(day, username):
    """Charge booked meals nobody came for, where the meal's rule says so. Safe to run again."""
    rules = Rules.from_config(current_app.config)
    try:
        meal_day = date.fromisoformat(day) if day else date.fromordinal(
            business_date(utcnow(), rules.timezone).toordinal() - 1)
    except ValueError:
        fail(f"--date must be YYYY-MM-DD, not {day!r}")
    with database_errors("charge no-shows"):
        who = None
        if username:
            who = db.session.scalar(select(Operator).where(Operator.username == username))
            if who is None or who.role not in ("manager", "admin"):
                fail(f"no manager or admin {username}")
        try:
            run = charge_no_shows(db.session, Actor(key=f"cli:no-shows:{uuid.uuid4()}", operator=who), rules,
                                  day=meal_day)
        except DomainError as exc:
            db.session.rollback()
            fail(exc.message("en"))
        db.session.commit()
    click.echo(f"{meal_day}: charged {len(run.charged)} ({sum(fen for _, _, fen in run.charged)} fen), "
               f"charged before {run.already}, not charged {len(run.skipped)}")
    for booking_id, reason in run.skipped:
        click.echo(f"booking {booking_id}: not charged ({reason})")
