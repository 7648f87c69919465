"""The audit log (审计日志): who did what, when, from where, with what result; hash-chained, append-only."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id, UTCDateTime, utcnow

#: Outcomes an audit row can record.
AUDIT_RESULTS = ("ok", "denied", "failed", "locked", "error")


class AuditEntry(Base):
    """One sign-in or action in the back office. The database refuses UPDATE and DELETE on this table.

    ``id`` is the row's place in the hash chain, handed out under :class:`AuditHead`'s row lock.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint("result IN ('ok', 'denied', 'failed', 'locked', 'error')", name="result"),
        Index("ix_audit_entry_created_dt", "created_dt"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The operator acting, if known (a failed sign-in for an unknown name has none).
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"), index=True)
    #: The user name given, kept as typed (truncated) so failed sign-ins can be traced.
    username: Mapped[str | None] = mapped_column(String(50))
    #: Client address the request came from.
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    #: What was attempted, e.g. ``login``, ``card.report_loss``, ``subsidy.issue``.
    action: Mapped[str] = mapped_column(String(64))
    #: What it was done to, e.g. ``person:12``.
    target: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[str] = mapped_column(String(16))
    #: Free text: parameters, the refusal code, the journal entry booked.
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the end of the audit chain; locking it orders audit rows."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Id, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
