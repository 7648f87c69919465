"""What a diner reads about their own money (自助查询): their entries, and what they spent on meals."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from canteen.models import Account, JournalEntry, MealPeriod, Posting, Terminal
from canteen.models.base import fen_sum

#: Kinds a diner may filter their history by (ledger kinds, as the diner calls them).
KINDS = ("meal", "refund", "top_up", "subsidy", "subsidy_expiry", "card_issue", "card_fee", "cancel")
HISTORY_LIMIT = 500


@dataclass
class Line:
    """One entry on the diner's wallets: what it was and how it changed the cash and subsidy wallets."""

    entry_id: int
    created_dt: datetime
    business_date: date
    kind: str
    cash: int
    subsidy: int
    meal_period: str | None
    terminal: str | None
    memo: str | None


def history(session: Session, person_id: int, start: date, end: date, kind: str | None = None,
            limit: int = HISTORY_LIMIT) -> list[Line]:
    """The person's entries touching their cash or subsidy wallet between the dates, newest first."""
    wallets = dict(session.execute(select(Account.id, Account.kind).where(
        Account.person_id == person_id, Account.kind.in_(("cash", "subsidy")))).all())
    if not wallets:
        return []
    query = (select(JournalEntry.id, JournalEntry.created_dt, JournalEntry.business_date, JournalEntry.kind,
                    JournalEntry.memo, MealPeriod.name, Terminal.name)
             .outerjoin(MealPeriod, MealPeriod.id == JournalEntry.meal_period_id)
             .outerjoin(Terminal, Terminal.id == JournalEntry.terminal_id)
             .where(JournalEntry.id.in_(select(Posting.entry_id).where(Posting.account_id.in_(list(wallets)))),
                    JournalEntry.business_date >= start, JournalEntry.business_date <= end)
             .order_by(JournalEntry.id.desc()).limit(limit))
    if kind:
        query = query.where(JournalEntry.kind == kind)
    rows = session.execute(query).all()
    legs: dict[int, dict[str, int]] = {}
    for entry_id, account_id, amount in session.execute(select(Posting.entry_id, Posting.account_id, Posting.amount)
                                                        .where(Posting.entry_id.in_([r[0] for r in rows]),
                                                               Posting.account_id.in_(list(wallets)))):
        legs.setdefault(entry_id, {})[wallets[account_id]] = int(amount)
    return [Line(r[0], r[1], r[2], r[3], legs.get(r[0], {}).get("cash", 0), legs.get(r[0], {}).get("subsidy", 0),
                 r[5], r[6], r[4]) for r in rows]


def meal_spending(session: Session, person_id: int, start: date, end: date) -> int:
    """Fen spent on meals with business dates between the dates, net of their refunds (top-ups and subsidies
    are not spending)."""
    refund = aliased(JournalEntry)
    meals = select(JournalEntry.id).where(JournalEntry.person_id == person_id, JournalEntry.kind == "meal",
                                          JournalEntry.business_date >= start, JournalEntry.business_date <= end)
    charged = session.scalar(select(fen_sum(JournalEntry.amount)).where(JournalEntry.id.in_(meals)))
    refunded = session.scalar(select(fen_sum(refund.amount)).where(refund.kind == "refund",
                                                                   refund.original_id.in_(meals)))
    return int(charged or 0) - int(refunded or 0)


__all__ = ["HISTORY_LIMIT", "KINDS", "Line", "history", "meal_spending"]
