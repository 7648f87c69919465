"""Report pre-aggregates (汇总表): sums of the journal up to a watermark entry id, kept by ``canteen reports rollup``.

Entry ids are places in the hash chain, so "every entry with id <= watermark" is a fixed prefix of the
journal. Reports add these sums to a live query over the entries after the watermark and so stay exact
at every moment, with nothing written on the payment path. Key columns hold 0 (or '') for "none"
instead of NULL, so each key is one row and merges are plain upserts.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime

#: The grains of the tallies: no dimension, the person's department, their category, or (entries only)
#: terminal and meal period. Each report reads the coarsest grain that covers its filters and grouping.
GRAINS = ("total", "department", "category", "place")


class RollupState(Base):
    """The single row saying how far the pre-aggregates reach; a rollup locks it."""

    __tablename__ = "rollup_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    #: Every entry with an id up to here is in the tallies.
    watermark: Mapped[int] = mapped_column(Id, default=0)
    #: Bumped by every rollup that changed a tally, so a report can tell it read one consistent state.
    version: Mapped[int] = mapped_column(Id, default=0)
    rolled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RollupPerson(Base):
    """The department and category each person's sums are filed under (their values at the last rollup)."""

    __tablename__ = "rollup_person"

    person_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(Id, default=0)
    category_id: Mapped[int] = mapped_column(Id, default=0)


class EntryTally(Base):
    """Count and sums of entries per business day and kind, at each of the :data:`GRAINS`.

    ``department`` and ``category`` rows fill that column (the others are 0); ``place`` rows fill the
    entry's terminal and meal period and, for a refund, its meal's (``origin_*``; an entry's own otherwise).
    """

    __tablename__ = "entry_tally"
    __table_args__ = (
        CheckConstraint("grain IN ('total', 'department', 'category', 'place')", name="grain"),
        UniqueConstraint("business_date", "grain", "kind", "method", "operator_id", "approver_id", "department_id",
                         "category_id", "terminal_id", "meal_period_id", "origin_terminal_id", "origin_period_id",
                         name="uq_entry_tally_key"),
        #: How reports read it: one grain, some kinds, a period.
        Index("ix_entry_tally_grain_kind_day", "grain", "kind", "business_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    grain: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16), default="")
    operator_id: Mapped[int] = mapped_column(Id, default=0)
    approver_id: Mapped[int] = mapped_column(Id, default=0)
    department_id: Mapped[int] = mapped_column(Id, default=0)
    category_id: Mapped[int] = mapped_column(Id, default=0)
    terminal_id: Mapped[int] = mapped_column(Id, default=0)
    meal_period_id: Mapped[int] = mapped_column(Id, default=0)
    origin_terminal_id: Mapped[int] = mapped_column(Id, default=0)
    origin_period_id: Mapped[int] = mapped_column(Id, default=0)
    #: Number of entries and the sum of their headline amounts.
    entries: Mapped[int] = mapped_column(Id, default=0)
    amount: Mapped[int] = mapped_column(Fen, default=0)
    #: Money paid into diners' cash wallets (个人充值) and the number of entries that paid some in.
    cash_in: Mapped[int] = mapped_column(Fen, default=0)
    cash_in_entries: Mapped[int] = mapped_column(Id, default=0)


class PostingTally(Base):
    """Sums of postings on people's wallets per business day, entry kind and wallet kind, at the grains
    ``total``, ``department`` and ``category`` (the wallet owner's)."""

    __tablename__ = "posting_tally"
    __table_args__ = (
        CheckConstraint("grain IN ('total', 'department', 'category')", name="grain"),
        UniqueConstraint("business_date", "grain", "entry_kind", "account_kind", "department_id", "category_id",
                         name="uq_posting_tally_key"),
        Index("ix_posting_tally_grain_day", "grain", "business_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    grain: Mapped[str] = mapped_column(String(10))
    entry_kind: Mapped[str] = mapped_column(String(16))
    account_kind: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int] = mapped_column(Id, default=0)
    category_id: Mapped[int] = mapped_column(Id, default=0)
    amount: Mapped[int] = mapped_column(Fen, default=0)


class MealTally(Base):
    """就餐: meals not refunded in full, per day, meal period, terminal and person (distinct counts stay exact)."""

    __tablename__ = "meal_tally"
    __table_args__ = (
        UniqueConstraint("business_date", "meal_period_id", "terminal_id", "person_id", name="uq_meal_tally_key"),
        Index("ix_meal_tally_person_day", "person_id", "business_date"),
        # A headcount filtered by terminal (migration d4f7a3b5c8e4).
        Index("ix_meal_tally_terminal_day", "terminal_id", "business_date", "meal_period_id", "person_id", "visits"),
        Index("ix_meal_tally_person_terminal", "person_id", "terminal_id", "business_date", "visits"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    meal_period_id: Mapped[int] = mapped_column(Id, default=0)
    terminal_id: Mapped[int] = mapped_column(Id, default=0)
    person_id: Mapped[int] = mapped_column(Id)
    visits: Mapped[int] = mapped_column(Id, default=0)


class HeadcountTally(Base):
    """就餐人次 and 就餐人数 per day and meal period, over all terminals and people (from :class:`MealTally`)."""

    __tablename__ = "headcount_tally"
    __table_args__ = (UniqueConstraint("business_date", "meal_period_id", name="uq_headcount_tally_key"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    meal_period_id: Mapped[int] = mapped_column(Id, default=0)
    visits: Mapped[int] = mapped_column(Id, default=0)
    diners: Mapped[int] = mapped_column(Id, default=0)


class BookingTally(Base):
    """报餐: live bookings, those whose diner ate at a terminal (a meal not refunded in full), and the diners who
    ate at a terminal (booked or not), per day and meal period, by the diners' department and category as the
    rollup files them (0 for "none").

    Recounted by the rollup for every day whose meals (in the meal tally) or bookings changed; a day with a
    :class:`BookingChange` row is read from the bookings until then.
    """

    __tablename__ = "booking_tally"
    __table_args__ = (
        UniqueConstraint("day", "meal_period_id", "department_id", "category_id", name="uq_booking_tally_key"),
        Index("ix_booking_tally_department_day", "department_id", "day"),
        # A period's rows summed without reading the table (the INCLUDE on PostgreSQL; migration e6b2d4f8a1c3).
        Index("ix_booking_tally_day_cover", "day", postgresql_include=["department_id", "category_id",
                                                                       "meal_period_id", "booked", "came", "ate"]),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    meal_period_id: Mapped[int] = mapped_column(Id, default=0)
    department_id: Mapped[int] = mapped_column(Id, default=0)
    category_id: Mapped[int] = mapped_column(Id, default=0)
    booked: Mapped[int] = mapped_column(Id, default=0)
    came: Mapped[int] = mapped_column(Id, default=0)
    ate: Mapped[int] = mapped_column(Id, default=0)


class BookingChange(Base):
    """A day whose bookings changed after the rollup last counted them: one row per change, written by a
    database trigger on ``meal_booking`` (migration a8c1e5f2b9d7); the rollup recounts the day and deletes
    the rows it saw."""

    __tablename__ = "booking_change"
    __table_args__ = (Index("ix_booking_change_day", "day"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
