"""Commands for the people who run the system: terminals, operators, subsidy expiry."""
import re
import secrets
import uuid

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from canteen.api.auth import key_hash
from canteen.cli.refusals import database_errors, fail
from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Terminal, utcnow
from canteen.models.staff import ROLES
from canteen.services.common import Actor, Rules
from canteen.services.subsidies import due_batches, expire_subsidy

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")
MIN_PASSWORD, MIN_TERMINAL_KEY = 8, 12


def _text(value: str | None, what: str, limit: int, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            fail(f"{what} must not be empty")
        return None
    if len(value) > limit:
        fail(f"{what} is longer than {limit} characters")
    return value


@click.group(cls=AppGroup)
def terminal():
    """Terminals (tills and kiosks)."""


@terminal.command("add")
@click.option("--code", required=True, help="Short unique id, e.g. T01 (letters, digits, - and _)")
@click.option("--name", required=True)
@click.option("--place", default=None)
@click.option("--key", default=None,
              help=f"Use this key instead of a random one (at least {MIN_TERMINAL_KEY} characters)")
def terminal_add(code, name, place, key):
    """Register a terminal and print its key once (only its hash is stored)."""
    code = code.strip()
    if not _CODE.match(code):
        fail(f"terminal code {code!r} must be 1-32 letters, digits, '-' or '_'")
    name, place = _text(name, "name", 100), _text(place, "place", 100, required=False)
    if key is not None and len(key) < MIN_TERMINAL_KEY:
        fail(f"terminal key must have at least {MIN_TERMINAL_KEY} characters")
    with database_errors("add the terminal"):
        if db.session.scalar(select(Terminal.id).where(Terminal.code == code)):
            fail(f"terminal {code} already exists", 1)
        key = key or secrets.token_urlsafe(32)
        db.session.add(Terminal(code=code, name=name, place=place, key_hash=key_hash(key)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            fail(f"terminal {code} already exists", 1)
    click.echo(f"terminal {code} added; key (shown once): {key}")


@terminal.command("list")
def terminal_list():
    """Terminals and when they were last seen."""
    with database_errors("list terminals"):
        terminals = list(db.session.scalars(select(Terminal).order_by(Terminal.code)))
    for t in terminals:
        seen = t.last_seen_dt.isoformat(timespec="seconds") if t.last_seen_dt else "never"
        click.echo(f"{t.code}\t{t.name}\t{t.place or ''}\tlast seen {seen}\t{'active' if t.active else 'off'}")


@click.group(cls=AppGroup)
def operator():
    """Operators (cashiers, managers, admins, auditors)."""


def _role(ctx, param, value):
    if value is not None and value not in ROLES:
        fail(f"unknown role {value!r}: choose one of {', '.join(ROLES)}")
    return value


@operator.command("add")
@click.option("--username", required=True, help="Sign-in name (letters, digits, '.', '-' and '_')")
@click.option("--name", required=True, help="The person's name, shown on receipts and reports")
@click.option("--role", required=True, callback=_role, help=f"One of {', '.join(ROLES)}")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help=f"At least {MIN_PASSWORD} characters (prompted for if not given)")
def operator_add(username, name, role, password):
    """Add an operator with a hashed password."""
    username = username.strip()
    if not _USERNAME.match(username):
        fail(f"username {username!r} must be 1-50 letters, digits, '.', '-' or '_'")
    name = _text(name, "name", 50)
    if len(password) < MIN_PASSWORD:
        fail(f"password must have at least {MIN_PASSWORD} characters")
    with database_errors("add the operator"):
        if db.session.scalar(select(Operator.id).where(Operator.username == username)):
            fail(f"operator {username} already exists", 1)
        db.session.add(Operator(username=username, name=name, role=role,
                                password_hash=generate_password_hash(password)))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            fail(f"operator {username} already exists", 1)
    click.echo(f"operator {username} ({role}) added")


@operator.command("list")
def operator_list():
    """Operators, their roles and whether they may sign in."""
    with database_errors("list operators"):
        operators = list(db.session.scalars(select(Operator).order_by(Operator.username)))
    for o in operators:
        click.echo(f"{o.username}\t{o.name}\t{o.role}\t{'active' if o.active else 'off'}")


@click.group(cls=AppGroup)
def subsidy():
    """Subsidy batches."""


@subsidy.command("expire-due")
@click.option("--operator", "username", required=True, help="Manager or admin who books the expiry")
def expire_due(username):
    """Return what is left of every batch whose expiry date has come (zero rule) to the fund."""
    from flask import current_app

    with database_errors("expire subsidies"):
        who = db.session.scalar(select(Operator).where(Operator.username == username))
        if who is None:
            fail(f"no operator {username}")
        rules = Rules.from_config(current_app.config)
        for batch in due_batches(db.session, business_date(utcnow(), rules.timezone)):
            actor = Actor(key=f"cli:expire:{batch.id}:{uuid.uuid4()}", operator=who)
            try:
                booked = expire_subsidy(db.session, actor, rules, batch_id=batch.id)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                fail(f"batch {batch.id}: {exc.message()}", 1)
            click.echo(f"batch {batch.id} {batch.title}: returned {booked.entry.amount if booked else 0} fen")
