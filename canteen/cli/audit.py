"""``canteen audit verify``: prove the audit log's hash chain (a core command, whatever plugins are loaded)."""
import click
from flask.cli import AppGroup

from canteen.cli.refusals import database_errors
from canteen.extensions import db
from canteen.services.audit_trail import verify_audit


@click.group("audit", cls=AppGroup)
def audit():
    """The audit log (审计日志)."""


@audit.command("verify")
def audit_verify():
    """Check the audit log's hash chain; exit 1 if it is broken."""
    with database_errors("verify the audit log"):
        proof = verify_audit(db.session)
    db.session.rollback()
    for problem in proof.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    click.echo(f"audit rows: {proof.rows}; chain {'intact' if proof.ok else 'BROKEN'}")
    if not proof.ok:
        raise SystemExit(1)
