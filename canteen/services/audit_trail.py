"""Appending to the audit log (审计日志) and proving it: the one writer and checker for every caller.

The hash covers the row's fields and the previous row's hash; the row is appended under
the chain head's row lock inside the caller's transaction.
"""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.ledger.chain import GENESIS
from canteen.models import AuditEntry, AuditHead, utcnow

HASHED = ("id", "created_dt", "operator_id", "username", "remote_addr", "action", "target", "result", "detail")


def audit_hash(prev_hash: str, fields: dict) -> str:
    """SHA-256 over the previous hash and the row's fields."""
    body = {}
    for name in HASHED:
        value = fields.get(name)
        if isinstance(value, datetime):
            value = value.astimezone(timezone.utc).isoformat(timespec="microseconds")
        body[name] = value
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def record_audit(session: Session, *, action: str, result: str, username: str | None = None,
                 operator_id: int | None = None, remote_addr: str | None = None, target: str | None = None,
                 detail: str | None = None) -> AuditEntry:
    """Append one audit row (the caller commits). Diners are named ``diner:<staff no>`` in `username`."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    fields = {
        "id": head.last_id + 1, "created_dt": utcnow(), "operator_id": operator_id,
        "username": (username or "")[:50] or None, "remote_addr": (remote_addr or "")[:64] or None,
        "action": action[:64], "target": target[:100] if target else None, "result": result,
        "detail": detail[:2000] if detail else None,
    }
    digest = audit_hash(head.last_hash, fields)
    row = AuditEntry(**fields, prev_hash=head.last_hash, hash=digest)
    session.add(row)
    head.last_id, head.last_hash = row.id, digest
    session.flush()
    return row


@dataclass
class AuditProof:
    """What checking the audit chain found."""

    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain is whole and matches its head."""
        return not self.problems


def verify_audit(session: Session) -> AuditProof:
    """Recompute the chain from the first row; report the first row that does not fit."""
    proof = AuditProof(rows=session.scalar(select(func.count()).select_from(AuditEntry)))
    prev, expected = GENESIS, 1
    columns = [getattr(AuditEntry, name) for name in HASHED]
    for start in range(1, proof.rows + 1, 5000):
        for row in session.execute(select(*columns, AuditEntry.prev_hash, AuditEntry.hash)
                                   .where(AuditEntry.id >= start, AuditEntry.id < start + 5000)
                                   .order_by(AuditEntry.id)):
            fields = dict(zip(HASHED, row[:len(HASHED)]))
            if fields["id"] != expected:
                proof.problems.append(f"audit row {expected}: missing (next is {fields['id']})")
                return proof
            if row[-2] != prev or audit_hash(prev, fields) != row[-1]:
                proof.problems.append(f"audit row {expected}: hash chain broken (content or link altered)")
                return proof
            prev, expected = row[-1], expected + 1
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != expected - 1 or head.last_hash != prev:
        proof.problems.append(f"audit head does not match the last row {expected - 1}")
    return proof
