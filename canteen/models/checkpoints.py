"""Signed checkpoints of the ledger's hash chain (账本签名检查点): append-only, like the journal."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

#: Why a checkpoint was made.
CHECKPOINT_REASONS = ("daily", "shift", "manual")


class LedgerCheckpoint(Base):
    """The chain head at one moment, signed with a key kept outside the database.

    The database refuses UPDATE and DELETE on this table; the copy that counts is the one exported to a
    write-once place, since whoever can disable triggers can also rewrite this table.
    """

    __tablename__ = "ledger_checkpoint"
    __table_args__ = (CheckConstraint("reason IN ('daily', 'shift', 'manual')", name="reason"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    made_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(16))
    #: What the checkpoint was made for, e.g. ``shift:12`` or the business date of a daily checkpoint.
    label: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The last entry the chain reached, and its hash (0 and the genesis hash for an empty journal).
    entry_id: Mapped[int] = mapped_column(Id)
    entry_hash: Mapped[str] = mapped_column(String(64))
    #: Entries up to ``entry_id`` and the sum of their headline amounts (fen).
    entries: Mapped[int] = mapped_column(Id)
    amount_sum: Mapped[int] = mapped_column(Fen)
    #: JSON object: the sum of postings per account kind up to ``entry_id`` (fen).
    balances: Mapped[str] = mapped_column(Text)
    #: Ed25519 public key (hex) and signature (hex) over the canonical text of the fields above.
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
