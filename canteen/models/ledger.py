"""The double-entry ledger: accounts, journal entries and their postings.

Sign convention: a posting's amount is positive for a credit and negative for a debit,
and an account's cached ``balance`` is the sum of its postings. Liabilities and revenue
(diners' wallets, deposits held, meal revenue) therefore have positive balances; assets
and funding accounts (cash drawers, payment clearing, the subsidy fund) run negative.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

#: Accounts that belong to a person; they may never go below zero.
PERSON_KINDS = ("cash", "subsidy", "deposit")
#: Accounts that may never go below zero: a person's, and a vehicle's fuel card (the CHECK below says the same).
NO_OVERDRAFT_KINDS = (*PERSON_KINDS, "fuel_card")
#: Code prefix of a person's receivable (应收, a ``clearing`` account ``receivable:<person id>``): what offline
#: meals cost beyond the wallets; zero or negative, repaid first by the next top-up. Counted in money held.
RECEIVABLE_PREFIX = "receivable:"
#: System accounts. ``drawer`` is per shift, ``clearing`` per non-cash payment method.
SYSTEM_KINDS = ("drawer", "clearing", "meal_revenue", "refunds", "fee_revenue", "subsidy_fund")
#: Accounts whose natural balance is a credit (shown as is); the rest are shown negated.
CREDIT_NORMAL = ("cash", "subsidy", "deposit", "meal_revenue", "fee_revenue")

METHODS = ("cash", "wechat", "alipay", "bank", "wallet", "fund")


class Account(Base):
    """A ledger account with its balance cached in the same transaction as its postings."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('cash', 'subsidy', 'deposit', 'drawer', 'clearing', "
            "'meal_revenue', 'refunds', 'fee_revenue', 'subsidy_fund', "
            "'fuel_card', 'fuel_fund', 'fuel_station')", name="kind"),
        CheckConstraint("kind NOT IN ('cash', 'subsidy', 'deposit', 'fuel_card') OR balance >= 0",
                        name="no_overdraft"),
        CheckConstraint("(kind IN ('cash', 'subsidy', 'deposit')) = (person_id IS NOT NULL)", name="owner"),
        CheckConstraint("(kind = 'drawer') = (shift_id IS NOT NULL)", name="drawer_shift"),
        UniqueConstraint("person_id", "kind", name="uq_account_person_kind"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: Unique name of a system account (``meal_revenue``, ``clearing:wechat``, ``drawer:12``).
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), unique=True)
    #: Sum of this account's postings, in fen; changed only by conditional updates.
    balance: Mapped[int] = mapped_column(Fen, default=0)

    @property
    def natural_balance(self) -> int:
        """The balance as an accountant reads it (assets positive too)."""
        return self.balance if self.kind in CREDIT_NORMAL else -self.balance


#: Journal columns set on few entries (refunds, cashier work, subsidy batches), indexed only where not null.
SPARSE_COLUMNS = ("shift_id", "original_id", "subsidy_batch_id")


class JournalEntry(Base):
    """One immutable money movement. The database refuses UPDATE and DELETE on this table.

    ``id`` is the entry's place in the hash chain, handed out under the chain head's lock,
    so ids are gapless and in the order the chain was built.
    """

    __tablename__ = "journal_entry"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('card_issue', 'top_up', 'meal', 'refund', 'card_fee', 'cancel', "
            "'subsidy', 'subsidy_expiry', 'fuel_top_up', 'fuel_spend', 'guest_meal')", name="kind"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("approver_id IS NULL OR approver_id <> operator_id", name="four_eyes"),
        CheckConstraint("(kind = 'refund') = (original_id IS NOT NULL)", name="refund_original"),
        Index("ix_journal_entry_person_day", "person_id", "business_date"),
        Index("ix_journal_entry_day_kind", "business_date", "kind"),
        # Refunds by day (a report reads only those from its period's first day on); meals never touch it.
        Index("ix_journal_entry_refund_day", "business_date", "original_id",
              postgresql_where=text("kind = 'refund'"), sqlite_where=text("kind = 'refund'")),
        # Columns empty on meals: indexed only where set, so a tap's insert does not touch these indexes.
        *(Index(f"ix_journal_entry_{column}", column, postgresql_where=text(f"{column} IS NOT NULL"),
                sqlite_where=text(f"{column} IS NOT NULL")) for column in SPARSE_COLUMNS),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    #: The headline amount of the operation, positive fen (the meal's price, the top-up ...).
    amount: Mapped[int] = mapped_column(Fen)
    method: Mapped[str | None] = mapped_column(String(16))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The canteen's local date the entry counts for (营业日).
    business_date: Mapped[date] = mapped_column(Date)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    #: Second operator who approved (refunds above the approval threshold).
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    meal_period_id: Mapped[int | None] = mapped_column(ForeignKey("meal_period.id"))
    #: The entry this one corrects (a refund points at its meal).
    original_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    subsidy_batch_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_batch.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    memo: Mapped[str | None] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    postings: Mapped[list["Posting"]] = relationship(
        back_populates="entry", order_by="Posting.account_id", lazy="selectin")


class Posting(Base):
    """One leg of an entry: an amount credited (positive) or debited (negative) to an account."""

    __tablename__ = "posting"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount"),
        UniqueConstraint("entry_id", "account_id", name="uq_posting_entry_account"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    amount: Mapped[int] = mapped_column(Fen)

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")


class RefundMeal(Base):
    """Each refund of a meal, filed as the reports count it: on its meal's business day, terminal and meal period
    (the columns are named as the meal's, so a report restricts and groups it as it does meals), with the
    refund's person, amount, operator and time.

    Written by the database itself (trigger ``refund_meal_insert`` on ``journal_entry``, migration
    f7c3e5a9b2d4), so every writer of refunds fills it; a report of a year reads it instead of looking up
    thousands of meals in the journal. Facts of the journal, never changed.
    """

    __tablename__ = "refund_meal"
    __table_args__ = (Index("ix_refund_meal_day", "business_date"),)

    refund_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), primary_key=True, autoincrement=False)
    meal_id: Mapped[int] = mapped_column(Id)
    #: The meal's business day, terminal and meal period.
    business_date: Mapped[date] = mapped_column(Date)
    terminal_id: Mapped[int | None] = mapped_column(Id)
    meal_period_id: Mapped[int | None] = mapped_column(Id)
    #: The refund's person, amount (positive fen), operator and time.
    person_id: Mapped[int | None] = mapped_column(Id)
    amount: Mapped[int] = mapped_column(Fen)
    operator_id: Mapped[int | None] = mapped_column(Id)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerHead(Base):
    """The single row holding the end of the hash chain; locking it orders entries."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Id, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    #: The hash the last entry follows (its ``prev_hash``): lets one statement move the head and write the
    #: entry, since PostgreSQL's ``UPDATE ... RETURNING`` sees only the new values. None before the first.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
