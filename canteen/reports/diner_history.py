"""What a diner reads about their own money (自助查询): their entries, and what they spent on meals."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from canteen.models import JournalEntry, MealPeriod, Terminal
from canteen.models.base import fen_sum
from canteen.reports.person_ledger import person_entries

#: Kinds a diner may filter their history by (ledger kinds, as the diner calls them).
KINDS = ("meal", "refund", "top_up", "subsidy", "subsidy_expiry", "card_issue", "card_fee", "cancel")
HISTORY_LIMIT = 500


@dataclass
class Line:
    """One entry on the diner's accounts: what it was and how it changed the cash and subsidy wallets (and the
    deposit)."""

    entry_id: int
    created_dt: datetime
    business_date: date
    kind: str
    cash: int
    subsidy: int
    meal_period: str | None
    terminal: str | None
    memo: str | None
    deposit: int = 0


def history(session: Session, person_id: int, start: date, end: date, kind: str | None = None,
            limit: int = HISTORY_LIMIT) -> list[Line]:
    """The person's ledger between the dates (:func:`canteen.reports.person_ledger.person_entries`: every entry
    moving their money, subsidy batches and expiries included), newest first."""
    lines = person_entries(session, person_id, start, end, kind=kind, limit=limit)
    periods = dict(session.execute(select(MealPeriod.id, MealPeriod.name)).all()) if lines else {}
    terminals = dict(session.execute(select(Terminal.id, Terminal.name).where(
        Terminal.id.in_({line.entry.terminal_id for line in lines if line.entry.terminal_id}))).all()) if lines else {}
    return [Line(e.id, e.created_dt, e.business_date, e.kind, line.legs.get("cash", 0), line.legs.get("subsidy", 0),
                 periods.get(e.meal_period_id), terminals.get(e.terminal_id), e.memo, line.legs.get("deposit", 0))
            for line in lines for e in (line.entry,)]


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
