"""Writing and proving the audit log (审计日志).

Each row's hash covers its content and the previous row's hash, appended under the chain
head's row lock inside the caller's transaction; the database refuses UPDATE and DELETE.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.ledger.chain import GENESIS
from canteen.models import AuditEntry, AuditHead, Operator
from canteen.services.audit_trail import HASHED, audit_hash, record_audit


def record(session: Session, *, action: str, result: str, operator: Operator | None = None,
           username: str | None = None, remote_addr: str | None = None, target: str | None = None,
           detail: str | None = None) -> AuditEntry:
    """Append one audit row for an operator's action (the caller commits)."""
    return record_audit(session, action=action, result=result, operator_id=operator.id if operator else None,
                        username=username or (operator.username if operator else None), remote_addr=remote_addr,
                        target=target, detail=detail)


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
