"""Subsidy batches (补贴发放) and refund requests awaiting a second operator."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow


class SubsidyBatch(Base):
    """One issue of subsidy to departments or categories, and what happens when it expires."""

    __tablename__ = "subsidy_batch"
    __table_args__ = (
        CheckConstraint("amount_each > 0", name="amount_each"),
        CheckConstraint("expiry_rule IN ('zero', 'carry')", name="expiry_rule"),
        CheckConstraint("expiry_rule = 'carry' OR expires_on IS NOT NULL", name="zero_needs_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    amount_each: Mapped[int] = mapped_column(Fen)
    #: Who it was for, as chosen: comma-separated department and category ids.
    department_ids: Mapped[str] = mapped_column(Text, default="")
    category_ids: Mapped[str] = mapped_column(Text, default="")
    people_count: Mapped[int] = mapped_column(default=0)
    #: ``zero``: what is left returns to the fund on expiry; ``carry``: it stays.
    expiry_rule: Mapped[str] = mapped_column(String(8), default="carry")
    expires_on: Mapped[date | None] = mapped_column(Date)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the expiry entry was booked (NULL until then).
    expired_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefundRequest(Base):
    """A refund above the approval threshold, waiting for a different operator to approve it."""

    __tablename__ = "refund_request"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("state IN ('pending', 'approved', 'rejected')", name="state"),
        CheckConstraint("decided_by IS NULL OR decided_by <> requested_by", name="four_eyes"),
        CheckConstraint("(state = 'pending') = (decided_by IS NULL)", name="decided"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    amount: Mapped[int] = mapped_column(Fen)
    reason: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    requested_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The refund entry booked on approval.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
