"""``canteen ledger``: prove the journal, and sign and check its checkpoints."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from canteen.cli.refusals import database_errors, fail
from canteen.extensions import db
from canteen.ledger.checkpoints import (
    CheckpointError,
    check_checkpoints,
    export_new,
    generate_key,
    load_private_key,
    load_public_key,
    make_checkpoint,
    read_records,
)
from canteen.services.verify import verify_ledger


@click.group(cls=AppGroup)
def ledger():
    """The journal and its proofs."""


@ledger.command("verify")
@click.option("--checkpoints", "checkpoints", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also require the chain to reach every signed checkpoint in this exported file")
@click.option("--public-key", default=None, help="Trust this public key (hex) instead of CHECKPOINT_PUBLIC_KEY")
def verify(checkpoints, public_key):
    """Prove the ledger: zero-sum postings, cached balances, hash chain, money held. Exit 1 on any problem."""
    trusted = _trusted_key(public_key) if checkpoints else None
    with database_errors("verify the ledger"):
        proof = verify_ledger(db.session)
        if checkpoints:
            try:
                proof.problems += check_checkpoints(db.session, read_records(checkpoints), trusted)
            except (OSError, CheckpointError) as exc:
                fail(f"cannot read checkpoints: {getattr(exc, 'strerror', None) or exc}", 1)
    db.session.rollback()
    click.echo(f"entries: {proof.entries}  postings: {proof.postings}  accounts: {proof.accounts}")
    click.echo("money in (fen):  " + ", ".join(f"{k}={v}" for k, v in proof.money_in.items()))
    click.echo("money out (fen): " + ", ".join(f"{k}={v}" for k, v in proof.money_out.items()))
    click.echo(f"held for diners (fen): {proof.held}")
    if proof.ok:
        click.echo("ledger OK: postings sum to zero, cached balances equal postings, hash chain intact, "
                   "money in minus money out equals balances held"
                   + ("; the chain reaches every signed checkpoint" if checkpoints else ""))
        return
    for problem in proof.problems:
        click.echo(f"FAIL: {problem}", err=True)
    raise SystemExit(1)


@ledger.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def keygen(path):
    """Write a new checkpoint signing key to PATH (mode 0600) and print its public key."""
    try:
        public = generate_key(path)
    except FileExistsError:
        fail(f"{path} exists; refusing to overwrite a signing key")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}", 1)
    click.echo(f"private key written to {path} (mode 0600); set CANTEEN_CHECKPOINT_KEY={path}")
    click.echo(f"public key: {public}")


@ledger.command("checkpoint")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append every checkpoint not yet in this file (JSON lines) to it, this one included")
@click.option("--no-new", is_flag=True, help="Only export; sign no new checkpoint")
def checkpoint(export, no_new):
    """Sign the chain head now (key: CHECKPOINT_KEY) and keep the checkpoint in the database."""
    if no_new and export is None:
        fail("--no-new needs --export FILE")
    key = None
    if not no_new:
        path = current_app.config.get("CHECKPOINT_KEY")
        if not path:
            fail("no signing key: set CANTEEN_CHECKPOINT_KEY (make one with `canteen ledger keygen FILE`)")
        try:
            key = load_private_key(path)
        except CheckpointError as exc:
            fail(str(exc))
    with database_errors("make a checkpoint"):
        if key is not None:
            row = make_checkpoint(db.session, key, "manual")
            db.session.commit()
            click.echo(f"checkpoint {row.id}: entry {row.entry_id} hash {row.entry_hash} "
                       f"({row.entries} entries, {row.amount_sum} fen)")
        if export is not None:
            try:
                rows = export_new(db.session, export)
            except (OSError, CheckpointError) as exc:
                fail(f"cannot export to {export}: {getattr(exc, 'strerror', None) or exc}", 1)
            click.echo(f"{len(rows)} checkpoint(s) appended to {export}")


def _trusted_key(given: str | None):
    """The public key to check signatures with: given, configured, or the signing key's own."""
    config = current_app.config
    try:
        if given or config.get("CHECKPOINT_PUBLIC_KEY"):
            return load_public_key(given or config["CHECKPOINT_PUBLIC_KEY"])
        if config.get("CHECKPOINT_KEY"):
            return load_private_key(config["CHECKPOINT_KEY"]).public_key()
    except CheckpointError as exc:
        fail(str(exc))
    fail("no public key to check checkpoints with: pass --public-key or set CANTEEN_CHECKPOINT_PUBLIC_KEY")
