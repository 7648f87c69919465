"""Guest meals (接待用餐): a department's request for visitors' meals, its tickets, and their redemption."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

#: Code prefix of a department's account (a ``clearing`` account ``dept:<department id>``): what its guests'
#: meals cost, owed by the department until it settles; zero or negative.
DEPARTMENT_PREFIX = "dept:"
STATES = ("pending", "approved", "rejected", "cancelled")


class GuestMealRequest(Base):
    """A department asks for `guests` meals on one day and meal period; another operator approves or rejects."""

    __tablename__ = "guest_meal_request"
    __table_args__ = (
        CheckConstraint("guests BETWEEN 1 AND 500", name="guests"),
        CheckConstraint("state IN ('pending', 'approved', 'rejected', 'cancelled')", name="state"),
        CheckConstraint("decided_by IS NULL OR decided_by <> requested_by", name="four_eyes"),
        CheckConstraint("(state = 'pending') = (decided_by IS NULL)", name="decided"),
        CheckConstraint("(state IN ('approved', 'cancelled')) = (price_each IS NOT NULL)", name="priced"),
        CheckConstraint("price_each IS NULL OR price_each > 0", name="price_each"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    #: The day the guests eat, and the meal.
    day: Mapped[date] = mapped_column(Date, index=True)
    meal_period_id: Mapped[int] = mapped_column(ForeignKey("meal_period.id"))
    guests: Mapped[int]
    #: Why (e.g. 上级检查, 兄弟单位交流).
    purpose: Mapped[str] = mapped_column(String(200))
    #: Who in the department asked (name, phone).
    contact: Mapped[str] = mapped_column(String(100))
    requested_by: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    requested_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(200))
    #: Fen charged to the department per ticket used: the guest category's price, fixed at approval.
    price_each: Mapped[int | None] = mapped_column(Fen)

    tickets: Mapped[list["GuestTicket"]] = relationship(
        back_populates="request", order_by="GuestTicket.number", lazy="selectin")


class GuestTicket(Base):
    """One guest's meal ticket (餐券), issued on approval; its code is signed, never stored."""

    __tablename__ = "guest_ticket"
    __table_args__ = (
        UniqueConstraint("request_id", "number", name="uq_guest_ticket_request_number"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("guest_meal_request.id"))
    #: 1 .. guests, printed on the ticket.
    number: Mapped[int]

    request: Mapped[GuestMealRequest] = relationship(back_populates="tickets", lazy="joined")


class GuestTicketRedemption(Base):
    """A ticket accepted at a terminal; the unique ticket id is what stops a second use, even in a race."""

    __tablename__ = "guest_ticket_redemption"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("guest_ticket.id"), unique=True)
    #: The entry charging the department.
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    redeemed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
