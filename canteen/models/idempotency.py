"""Stored results of write requests, so a retried request gets the first answer."""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, UTCDateTime, utcnow


class IdempotencyRecord(Base):
    """The first result of one idempotency key (scoped by the client that sent it)."""

    __tablename__ = "idempotency_record"

    #: ``<scope>:<client key>``, e.g. ``t7:000123`` for terminal 7's sequence 123.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: SHA-256 of what was asked (operation and body); the same key with another body is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(default=200)
    #: The JSON answer given the first time.
    response: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
