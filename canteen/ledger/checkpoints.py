"""Signed checkpoints of the hash chain (账本签名检查点): an anchor no database superuser can forge.

The hash chain alone proves only that the entries follow each other; someone who can write the tables and knows
the algorithm can delete the last entries and rewind the head, or change an entry and rehash everything after it.
A checkpoint is the chain head at one moment (the last entry's id and hash, the number of entries, the sum of
their amounts and the sum of postings per account kind) signed with an Ed25519 key kept in a file outside the
database (``CHECKPOINT_KEY``). Checkpoints are kept in the database and appended to a write-once file; a chain
that no longer reaches every signed checkpoint, hash and totals alike, fails ``ledger verify --checkpoints``.
"""
import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.ledger.chain import GENESIS
from canteen.models import Account, JournalEntry, LedgerHead, Posting, utcnow
from canteen.models.base import fen_sum
from canteen.models.checkpoints import LedgerCheckpoint

log = logging.getLogger(__name__)

#: The fields a signature covers, in this order of the canonical JSON (keys sorted anyway).
SIGNED = ("entry_id", "entry_hash", "entries", "amount_sum", "balances", "made_dt", "reason", "label")


class CheckpointError(Exception):
    """A key or an exported checkpoint file that cannot be used (missing, unreadable, readable by others,
    malformed)."""


@dataclass
class Totals:
    """What the journal holds up to one entry."""

    entries: int
    amount_sum: int
    balances: dict


def generate_key(path: Path) -> str:
    """Write a new Ed25519 private key (PEM, mode 0600, never overwriting); return its public key (hex)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_hex(key.public_key())


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The signing key from its file; refused when others may read it (as ssh does)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read the checkpoint key {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CheckpointError(f"the checkpoint key {path} may be read by others (chmod 600 it)")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise CheckpointError(f"{path} is not a PEM private key without a passphrase") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def public_hex(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as hex."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as 64 hex digits."""
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.strip()))
    except ValueError:
        raise CheckpointError("the public key must be 64 hex digits (from `canteen ledger keygen`)") from None


def totals_between(session: Session, after_id: int, upto_id: int) -> Totals:
    """Entries with ``after_id < id <= upto_id``: how many, their amounts' sum, postings per account kind."""
    entries, amount_sum = session.execute(
        select(func.count(), fen_sum(JournalEntry.amount))
        .where(JournalEntry.id > after_id, JournalEntry.id <= upto_id)).one()
    balances = dict(session.execute(
        select(Account.kind, fen_sum(Posting.amount)).join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id > after_id, Posting.entry_id <= upto_id).group_by(Account.kind)).all())
    return Totals(int(entries), int(amount_sum), {k: int(v) for k, v in balances.items() if v})


def _add(base: Totals, more: Totals) -> Totals:
    balances = dict(base.balances)
    for kind, amount in more.balances.items():
        balances[kind] = balances.get(kind, 0) + amount
    return Totals(base.entries + more.entries, base.amount_sum + more.amount_sum,
                  {k: v for k, v in sorted(balances.items()) if v})


def signed_text(fields: dict) -> bytes:
    """The canonical text a signature covers."""
    body = {name: fields.get(name) for name in SIGNED}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def make_checkpoint(session: Session, key: Ed25519PrivateKey, reason: str, label: str | None = None
                    ) -> LedgerCheckpoint:
    """Sign the chain head as it is now and add the checkpoint to the session (the caller commits)."""
    head = session.get(LedgerHead, 1)
    entry_id = head.last_id if head else 0
    entry_hash = GENESIS if entry_id == 0 else session.scalar(
        select(JournalEntry.hash).where(JournalEntry.id == entry_id))
    totals = _totals_upto(session, key.public_key(), entry_id)
    made = utcnow()
    fields = {"entry_id": entry_id, "entry_hash": entry_hash, "entries": totals.entries,
              "amount_sum": totals.amount_sum, "balances": dict(sorted(totals.balances.items())),
              "made_dt": made.isoformat(timespec="microseconds"), "reason": reason, "label": label}
    signature = key.sign(signed_text(fields)).hex()
    row = LedgerCheckpoint(
        made_dt=made, reason=reason, label=label, entry_id=entry_id,
        entry_hash=entry_hash, entries=totals.entries, amount_sum=totals.amount_sum,
        balances=json.dumps(fields["balances"], sort_keys=True), public_key=public_hex(key.public_key()),
        signature=signature)
    session.add(row)
    session.flush()
    return row


def _totals_upto(session: Session, public_key: Ed25519PublicKey, entry_id: int) -> Totals:
    """The totals up to `entry_id`: from the last checkpoint this key signed, plus what came after it, so a shift
    close on a large journal reads only the entries since; from the first entry when no trusted one exists."""
    base = session.scalar(select(LedgerCheckpoint).where(
        LedgerCheckpoint.public_key == public_hex(public_key), LedgerCheckpoint.entry_id <= entry_id)
        .order_by(LedgerCheckpoint.id.desc()).limit(1))
    if base is not None:
        record = checkpoint_record(base)
        try:
            public_key.verify(bytes.fromhex(record["signature"]), signed_text(record))
        except (InvalidSignature, ValueError):
            log.error("checkpoint %s does not verify: totals summed from the first entry", base.id)
        else:
            return _add(Totals(base.entries, base.amount_sum, record["balances"]),
                        totals_between(session, base.entry_id, entry_id))
    return totals_between(session, 0, entry_id)


def checkpoint_if_configured(session: Session, key_path: str, reason: str, label: str | None = None
                             ) -> LedgerCheckpoint | None:
    """An automatic checkpoint (shift close, daily): made when a key is configured. A broken key must not stop
    a cashier closing a shift, so it is logged as an error and the checkpoint is skipped."""
    if not key_path:
        return None
    try:
        key = load_private_key(key_path)
    except CheckpointError as exc:
        log.error("no %s checkpoint made: %s", reason, exc)
        return None
    return make_checkpoint(session, key, reason, label)


def daily_checkpoint(session: Session, key_path: str, timezone: str) -> LedgerCheckpoint | None:
    """The business day's checkpoint, made by the first run of the daily job (``canteen reports rollup``) that
    finds none for today's business date (营业日); None when it exists or no key is configured."""
    label = f"daily:{business_date(utcnow(), timezone).isoformat()}"
    if not key_path or checkpoint_labelled(session, label) is not None:
        return None
    return checkpoint_if_configured(session, key_path, "daily", label)


def checkpoint_record(row: LedgerCheckpoint) -> dict:
    """The checkpoint as one exported JSON object (what ``--export`` appends and ``--checkpoints`` reads)."""
    return {"id": row.id, "entry_id": row.entry_id, "entry_hash": row.entry_hash, "entries": row.entries,
            "amount_sum": row.amount_sum, "balances": json.loads(row.balances),
            "made_dt": row.made_dt.isoformat(timespec="microseconds"), "reason": row.reason, "label": row.label,
            "public_key": row.public_key, "signature": row.signature}


def latest_checkpoint(session: Session, made_before=None) -> LedgerCheckpoint | None:
    """The newest checkpoint (made before `made_before`, if given)."""
    query = select(LedgerCheckpoint).order_by(LedgerCheckpoint.id.desc()).limit(1)
    if made_before is not None:
        query = query.where(LedgerCheckpoint.made_dt < made_before)
    return session.scalar(query)


def checkpoint_labelled(session: Session, label: str) -> LedgerCheckpoint | None:
    """The first checkpoint made for `label` (``shift:12``, ``daily:2026-12-07``)."""
    return session.scalar(select(LedgerCheckpoint).where(LedgerCheckpoint.label == label)
                          .order_by(LedgerCheckpoint.id).limit(1))


def checkpoint_summary(row: LedgerCheckpoint | None) -> dict | None:
    """What a report or receipt shows of a checkpoint (the export file holds the whole record)."""
    if row is None:
        return None
    return {"id": row.id, "entry_id": row.entry_id, "entry_hash": row.entry_hash, "signature": row.signature,
            "made_dt": row.made_dt.isoformat()}


def checkpoint_line(row: LedgerCheckpoint | None) -> str:
    """One line for the settlement reports and receipts."""
    if row is None:
        return "账本签名检查点：尚无"
    return (f"账本签名检查点 #{row.id}：至第 {row.entry_id} 笔，哈希 {row.entry_hash[:16]}，"
            f"签名 {row.signature[:16]}（{row.made_dt:%Y-%m-%d %H:%M} UTC）")


def read_records(path: Path) -> list[dict]:
    """The checkpoints exported to `path`, one JSON object a line (blank lines skipped)."""
    records = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise CheckpointError(f"{path} line {number} is not a checkpoint (bad JSON)") from None
            if not isinstance(record, dict):
                raise CheckpointError(f"{path} line {number} is not a checkpoint")
            records.append(record)
    return records


def export_new(session: Session, path: Path) -> list[LedgerCheckpoint]:
    """Append to `path` every checkpoint in the database newer than the last one the file holds."""
    try:
        last = max((int(r.get("id") or 0) for r in read_records(path)), default=0) if path.exists() else 0
    except (TypeError, ValueError):
        raise CheckpointError(f"{path} holds a line whose id is not a number") from None
    rows = list(session.scalars(select(LedgerCheckpoint).where(LedgerCheckpoint.id > last)
                                .order_by(LedgerCheckpoint.id)))
    with open(path, "a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(checkpoint_record(row), ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return rows


def check_checkpoints(session: Session, records: list[dict], public_key: Ed25519PublicKey) -> list[str]:
    """Problems found holding the journal against signed checkpoints; the first one names what failed.

    Every record must carry a valid signature by `public_key`; the journal must still hold each checkpoint's
    entry with the signed hash, and the entries, amounts and postings up to it must add up to the signed totals.
    """
    if not records:
        return ["no signed checkpoint to check against"]
    trusted = public_hex(public_key)
    for record in records:
        if record.get("public_key") != trusted:
            return [f"checkpoint {record.get('id')}: signed by another key ({str(record.get('public_key'))[:16]})"]
        try:
            public_key.verify(bytes.fromhex(str(record.get("signature"))), signed_text(record))
        except (InvalidSignature, ValueError):
            return [f"checkpoint {record.get('id')}: signature does not verify (the record was altered)"]
    last_id = session.scalar(select(func.max(JournalEntry.id))) or 0
    running, reached = Totals(0, 0, {}), 0
    for record in sorted(records, key=lambda r: int(r["entry_id"])):
        entry_id = int(record["entry_id"])
        if entry_id > last_id:
            return [f"checkpoint {record.get('id')}: signed entry {entry_id} but the journal ends at {last_id} "
                    f"(entries deleted)"]
        stored = GENESIS if entry_id == 0 else session.scalar(
            select(JournalEntry.hash).where(JournalEntry.id == entry_id))
        if stored != record["entry_hash"]:
            return [f"checkpoint {record.get('id')}: entry {entry_id} no longer has the signed hash "
                    f"(the chain was rewritten)"]
        running, reached = _add(running, totals_between(session, reached, entry_id)), entry_id
        signed = Totals(record["entries"], record["amount_sum"],
                        {k: v for k, v in sorted(record["balances"].items()) if v})
        if running != signed:
            return [f"checkpoint {record.get('id')}: totals up to entry {entry_id} differ from the signed ones"]
    return []
