"""Writing the audit log (审计日志) for operators; proving it is the core's :func:`verify_audit`.

Each row's hash covers its content and the previous row's hash, appended under the chain
head's row lock inside the caller's transaction; the database refuses UPDATE and DELETE.
"""
from sqlalchemy.orm import Session

from canteen.models import AuditEntry, Operator
from canteen.services.audit_trail import AuditProof, record_audit, verify_audit

__all__ = ["AuditProof", "record", "verify_audit"]


def record(session: Session, *, action: str, result: str, operator: Operator | None = None,
           username: str | None = None, remote_addr: str | None = None, target: str | None = None,
           detail: str | None = None) -> AuditEntry:
    """Append one audit row for an operator's action (the caller commits)."""
    return record_audit(session, action=action, result=result, operator_id=operator.id if operator else None,
                        username=username or (operator.username if operator else None), remote_addr=remote_addr,
                        target=target, detail=detail)
