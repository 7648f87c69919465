"""Commands for the people who run the system: ledger proof, terminals, operators, subsidy expiry."""
import secrets
import sys
import uuid

import click
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from canteen.api.auth import key_hash
from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Terminal, utcnow
from canteen.models.staff import ROLES
from canteen.services.common import Actor, Rules
from canteen.services.subsidies import due_batches, expire_subsidy
from canteen.services.verify import verify_ledger


def fail(message: str, code: int = 2):
    """One line on stderr and a non-zero exit: the CLI's form of a refusal."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group()
def ledger():
    """The journal and its proofs."""


@ledger.command("verify")
def verify():
    """Prove the ledger: zero-sum postings, cached balances, hash chain, money held. Exit 1 on any problem."""
    proof = verify_ledger(db.session)
    click.echo(f"entries: {proof.entries}  postings: {proof.postings}  accounts: {proof.accounts}")
    click.echo("money in (fen):  " + ", ".join(f"{k}={v}" for k, v in proof.money_in.items()))
    click.echo("money out (fen): " + ", ".join(f"{k}={v}" for k, v in proof.money_out.items()))
    click.echo(f"held for diners (fen): {proof.held}")
    if proof.ok:
        click.echo("ledger OK: postings sum to zero, cached balances equal postings, hash chain intact, "
                   "money in minus money out equals balances held")
        return
    for problem in proof.problems:
        click.echo(f"FAIL: {problem}", err=True)
    sys.exit(1)


@click.group()
def terminal():
    """Terminals (tills and kiosks)."""


@terminal.command("add")
@click.option("--code", required=True, help="Short unique id, e.g. T01")
@click.option("--name", required=True)
@click.option("--place", default=None)
@click.option("--key", default=None, help="Use this key instead of a random one (tests, demos)")
def terminal_add(code, name, place, key):
    """Register a terminal and print its key once (only its hash is stored)."""
    if db.session.scalar(select(Terminal.id).where(Terminal.code == code)):
        fail(f"terminal {code} already exists")
    key = key or secrets.token_urlsafe(32)
    db.session.add(Terminal(code=code, name=name, place=place, key_hash=key_hash(key)))
    db.session.commit()
    click.echo(f"terminal {code} added; key (shown once): {key}")


@terminal.command("list")
def terminal_list():
    """Terminals and when they were last seen."""
    for t in db.session.scalars(select(Terminal).order_by(Terminal.code)):
        seen = t.last_seen_dt.isoformat(timespec="seconds") if t.last_seen_dt else "never"
        click.echo(f"{t.code}\t{t.name}\t{t.place or ''}\tlast seen {seen}\t{'active' if t.active else 'off'}")


@click.group()
def operator():
    """Operators (cashiers, managers, admins, auditors)."""


@operator.command("add")
@click.option("--username", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def operator_add(username, name, role, password):
    """Add an operator with a hashed password."""
    if len(password) < 8:
        fail("password must have at least 8 characters")
    if db.session.scalar(select(Operator.id).where(Operator.username == username)):
        fail(f"operator {username} already exists")
    db.session.add(Operator(username=username, name=name, role=role, password_hash=generate_password_hash(password)))
    db.session.commit()
    click.echo(f"operator {username} ({role}) added")


@click.group()
def subsidy():
    """Subsidy batches."""


@subsidy.command("expire-due")
@click.option("--operator", "username", required=True, help="Manager or admin who books the expiry")
def expire_due(username):
    """Return what is left of every batch whose expiry date has come (zero rule) to the fund."""
    from flask import current_app

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
            fail(f"batch {batch.id}: {exc.message()}")
        click.echo(f"batch {batch.id} {batch.title}: returned {booked.entry.amount if booked else 0} fen")
