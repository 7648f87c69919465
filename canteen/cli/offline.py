"""``canteen offline``: gaps in the terminals' offline sequences, and resolving one (audited)."""
import uuid

import click
from flask.cli import AppGroup
from sqlalchemy import select

from canteen.cli.refusals import database_errors, fail
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Terminal, utcnow
from canteen.services.audit_trail import record_audit
from canteen.services.common import Actor
from canteen.services.offline_gaps import list_gaps, resolve_gap

KINDS = {"gap": "missing", "filled": "arrived since", "unsynced": "still in the terminal's outbox"}


@click.group(cls=AppGroup)
def offline():
    """Offline terminals: sequence gaps."""


@offline.command("gaps")
@click.option("--terminal", "code", help="Only this terminal (its code)")
@click.option("--all", "everything", is_flag=True, help="Resolved gaps too")
def gaps(code, everything):
    """List gaps in the terminals' received offline sequence numbers (exit 1 if any is open)."""
    with database_errors("list offline gaps"):
        terminal = None
        if code:
            terminal = db.session.scalar(select(Terminal).where(Terminal.code == code))
            if terminal is None:
                fail(f"no terminal {code}")
        found = list_gaps(db.session, terminal, include_resolved=everything)
    if not found:
        click.echo("no gaps")
    for g in found:
        state = f"resolved {g.resolved_dt.isoformat(timespec='seconds')}: {g.reason}" if g.resolved_dt \
            else KINDS[g.kind]
        ident = f"#{g.id}" if g.id else "-"
        click.echo(f"{ident}\t{g.terminal}\tseq {g.first_seq}-{g.last_seq}\t{g.count} charges\t{state}")
    raise SystemExit(1 if any(g.kind == "gap" and not g.resolved_dt for g in found) else 0)


@offline.command("resolve-gap")
@click.argument("gap_id", type=int)
@click.option("--reason", required=True, help="Why the missing charges are given up (kept in the audit log)")
@click.option("--operator", "username", required=True, help="Manager or admin who decides")
def resolve(gap_id, reason, username):
    """Mark a gap's charges as lost; the terminal's later charges then sync."""
    with database_errors("resolve the gap"):
        who = db.session.scalar(select(Operator).where(Operator.username == username))
        if who is None or not who.active:
            fail(f"no active operator {username}")
        actor = Actor(key=f"cli:gap:{gap_id}:{uuid.uuid4()}", operator=who)
        try:
            gap = resolve_gap(db.session, actor, gap_id=gap_id, reason=reason, now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            fail(f"gap {gap_id}: {exc.message('en')}", 1)
        record_audit(db.session, action="offline_gap.resolve", result="ok", username=who.username,
                     operator_id=who.id, target=f"offline_gap:{gap_id}", detail=gap.reason)
        db.session.commit()
    click.echo(f"gap #{gap_id} (seq {gap.first_seq}-{gap.last_seq}) resolved")
