"""Operators (cashiers, managers, admins, auditors), terminals and cashier shifts."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

ROLES = ("cashier", "manager", "admin", "auditor")


class Operator(Base):
    """Someone who signs in to work the till or the back office."""

    __tablename__ = "operator"
    __table_args__ = (
        CheckConstraint("role IN ('cashier', 'manager', 'admin', 'auditor')", name="role"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16))
    #: werkzeug scrypt hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Failed sign-ins in a row; reset by a successful one.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Sign-in is refused until then (锁定), after too many failures in a row.
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Moved on by signing out and changing the password: a back-office session begun under another one has ended.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class Terminal(Base):
    """A till or kiosk that talks to the API with its own key."""

    __tablename__ = "terminal"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Short unique name used when signing requests (e.g. ``T01``).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    place: Mapped[str | None] = mapped_column(String(100))
    #: SHA-256 of the terminal key (the key is 256 random bits, so a fast hash is enough).
    key_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    last_seen_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the terminal last reported of its offline state (on sync and heartbeat): the blacklist version it
    #: refuses cards by, when its snapshot was generated, its unsynced charges and its last offline sequence.
    blacklist_version: Mapped[int | None] = mapped_column()
    snapshot_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outbox_pending: Mapped[int | None] = mapped_column()
    outbox_last_seq: Mapped[int | None] = mapped_column()
    reported_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Shift(Base):
    """A cashier's shift (班次): the cash drawer it owns is a ledger account of its own."""

    __tablename__ = "shift"
    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="opening_float"),
        CheckConstraint("counted_cash IS NULL OR counted_cash >= 0", name="counted_cash"),
        CheckConstraint(
            "(closed_dt IS NULL AND counted_cash IS NULL) OR "
            "(closed_dt IS NOT NULL AND counted_cash IS NOT NULL AND expected_cash IS NOT NULL)",
            name="closed_complete",
        ),
        Index(
            "uq_shift_open_operator", "operator_id", unique=True,
            sqlite_where=text("closed_dt IS NULL"), postgresql_where=text("closed_dt IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    opened_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Cash in the drawer when the shift opened (备用金); not ledger money.
    opening_float: Mapped[int] = mapped_column(Fen, default=0)
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Float plus cash taken minus cash paid out, as the ledger says at closing.
    expected_cash: Mapped[int | None] = mapped_column(Fen)
    #: Cash the cashier counted at closing.
    counted_cash: Mapped[int | None] = mapped_column(Fen)

    operator: Mapped[Operator] = relationship(lazy="joined")

    @property
    def difference(self) -> int | None:
        """Counted minus expected cash (长短款); None while open."""
        if self.counted_cash is None or self.expected_cash is None:
            return None
        return self.counted_cash - self.expected_cash
