"""Appending to the audit log (审计日志): the one writer for the back office and the diners' pages.

The hash covers the row's fields and the previous row's hash; the row is appended under
the chain head's row lock inside the caller's transaction.
"""
import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

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
