"""Cards (credentials pointing at a person) and their history."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow
from canteen.models.people import Person
from canteen.rules.cards import CardState

#: The states a card may be in (:class:`canteen.rules.cards.CardState`, which also says how they change).
CARD_STATES = tuple(CardState)


class Card(Base):
    """A meal card. Its UID maps to a person; it holds no money itself.

    A UID can be in use by at most one live (active or lost) card; a cancelled or
    replaced card's UID may be issued again later, as canteens recycle cards.
    """

    __tablename__ = "card"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'lost', 'replaced', 'cancelled')", name="state"),
        CheckConstraint("deposit >= 0", name="deposit"),
        Index(
            "uq_card_live_uid", "uid", unique=True,
            sqlite_where=text("state IN ('active', 'lost')"),
            postgresql_where=text("state IN ('active', 'lost')"),
        ),
        Index(
            "uq_card_live_person", "person_id", unique=True,
            sqlite_where=text("state IN ('active', 'lost')"),
            postgresql_where=text("state IN ('active', 'lost')"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Chip UID as uppercase hex, read with GET DATA (FF CA 00 00 00).
    uid: Mapped[str] = mapped_column(String(20), index=True)
    #: Number printed on the card (卡面号).
    printed_no: Mapped[str | None] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=CardState.ACTIVE)
    #: Deposit (押金) paid for this card, in fen; held in the person's deposit account.
    deposit: Mapped[int] = mapped_column(Fen, default=0)
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The card this one replaced (补卡), if any.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))

    person: Mapped[Person] = relationship(lazy="joined")


class CardEvent(Base):
    """One change of a card's state (issued, lost, unfrozen, replaced, cancelled)."""

    __tablename__ = "card_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    #: The journal entry that moved money with this event, if any.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    memo: Mapped[str | None] = mapped_column(String(200))
