"""Diners' self-service sign-in (自助查询): a password per person, set up through a one-time code."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow


class DinerAccount(Base):
    """A person's self-service sign-in and preferences; the money stays in the ledger's accounts."""

    __tablename__ = "diner_account"
    __table_args__ = (CheckConstraint("low_balance_fen IS NULL OR low_balance_fen > 0", name="low_balance_fen"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, autoincrement=False)
    #: werkzeug scrypt hash; NULL until the diner sets a password with a one-time code.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_set_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Failed sign-ins (or one-time codes) in a row; reset by a successful one.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Sign-in is refused until then (锁定), after too many failures in a row.
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_signin_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The diner's low-balance reminder (余额提醒): taps leaving less than this many fen say so. NULL: off.
    low_balance_fen: Mapped[int | None] = mapped_column(Fen)
    #: Moved on by signing out: a session begun under another one has ended (every device at once).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class DinerSetupCode(Base):
    """A one-time code (一次性验证码) a cashier or admin gives a diner to set their password.

    Only the SHA-256 of the code is kept (the code is 50 random bits and expires, so a fast hash is
    enough). A code works once: ``used_dt`` is set by a conditional update that only one request wins.
    """

    __tablename__ = "diner_setup_code"
    __table_args__ = (Index("ix_diner_setup_code_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it was used, or superseded by a newer code; a code with a ``used_dt`` never works again.
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who created it (NULL: the command line).
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
