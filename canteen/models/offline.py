"""Offline charges (脱机消费) replayed by terminals, where each terminal's replay stands, and their exceptions."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

OUTCOMES = ("booked", "duplicate", "unbooked")


class OfflineCharge(Base):
    """One meal a terminal charged while the server was out of reach, as it arrived at sync.

    ``(terminal_id, seq)`` is unique: the terminal's offline sequence is the idempotency key, so a
    replayed item finds its first arrival here instead of being booked again.
    """

    __tablename__ = "offline_charge"
    __table_args__ = (
        UniqueConstraint("terminal_id", "seq", name="uq_offline_charge_terminal_seq"),
        CheckConstraint("seq > 0", name="seq"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("outcome IN ('booked', 'duplicate', 'unbooked')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"))
    #: The terminal's offline sequence number (1, 2, 3 ... without gaps).
    seq: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Fen)
    #: When the diner tapped, by the terminal's clock.
    tapped_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: HMAC the terminal sealed the item with; a replay must carry the same one.
    mac: Mapped[str] = mapped_column(String(64))
    #: The online tap's key when the terminal could not learn whether that tap was booked.
    online_key: Mapped[str | None] = mapped_column(String(100))
    #: booked: a new entry; duplicate: the online tap had been booked; unbooked: no person to book it to.
    outcome: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))


class OfflineException(Base):
    """An offline charge the server would have refused, booked anyway because the meal was served.

    ``overdraft`` is the part the wallets could not pay, debited to the person's receivable
    account (the negative balance the next top-up repays first).
    """

    __tablename__ = "offline_exception"
    __table_args__ = (CheckConstraint("overdraft >= 0", name="overdraft"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    offline_charge_id: Mapped[int] = mapped_column(ForeignKey("offline_charge.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))
    uid: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Fen)
    overdraft: Mapped[int] = mapped_column(Fen, default=0)
    #: Stable codes, comma separated: card_lost, insufficient_balance, clock_skew, unknown_card ...
    reason: Mapped[str] = mapped_column(String(120))
    tapped_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OfflineCursor(Base):
    """How far each terminal's offline sequence has been replayed; its row lock orders one terminal's syncs."""

    __tablename__ = "offline_cursor"

    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"), primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfflineGap(Base):
    """Sequence numbers of a terminal's offline charges that never arrived (缺号): still in an outbox, or lost.

    Found when a sync skips past the next expected number; later items wait until the missing ones arrive or
    an operator resolves the gap with a reason (audited), after which the terminal's queue goes on.
    """

    __tablename__ = "offline_gap"
    __table_args__ = (
        UniqueConstraint("terminal_id", "first_seq", name="uq_offline_gap_terminal_first"),
        CheckConstraint("first_seq > 0 AND last_seq >= first_seq", name="range"),
        CheckConstraint("(resolved_dt IS NULL) = (reason IS NULL)", name="resolved_reason"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"), index=True)
    #: The missing sequence numbers, inclusive.
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    found_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    #: Why the operator let the terminal's queue go on without them.
    reason: Mapped[str | None] = mapped_column(String(200))
