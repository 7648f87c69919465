"""A roster import (导入名单) running in the background: its progress and its row-by-row report."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id, UTCDateTime, utcnow

IMPORT_STATES = ("checking", "writing", "done", "failed")


class RosterImport(Base):
    """One uploaded roster: checked row by row, then written in one transaction, or not at all."""

    __tablename__ = "roster_import"
    __table_args__ = (CheckConstraint("state IN ('checking', 'writing', 'done', 'failed')", name="state"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    filename: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(16), default="checking")
    #: Rows in the sheet (an estimate until checked) and rows checked so far.
    total_rows: Mapped[int] = mapped_column(default=0)
    checked_rows: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    #: JSON list of [line, problem]; line 0 is the file as a whole.
    errors: Mapped[str] = mapped_column(Text, default="[]")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The running job's last sign of life (its thread beats every few seconds): a job silent for long died
    #: with its server process, and since the people are written in one transaction, wrote nothing.
    beat_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
