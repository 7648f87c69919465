"""The canteen figures, one function each, computed by their written definitions (:mod:`.definitions`).

Every caller (the work summary, its .txt and .xlsx, the year-end document, the dashboard, the kitchen) takes
a figure from here. The reports behind them are read once per call of :func:`canteen_figures` (:class:`Sources`).
"""
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.figures.definitions import CANTEEN, Definition
from canteen.models import JournalEntry
from canteen.money import yuan as money_yuan
from canteen.reports.base import Filters, refunded_by_meal
from canteen.reports.cards import card_report
from canteen.reports.consumption import consumption_summary
from canteen.reports.headcount import headcount
from canteen.reports.money_in import topup_summary


class Sources:
    """The reports the figures of one period are read from, each run once, when first needed."""

    def __init__(self, session: Session, filters: Filters) -> None:
        self.session, self.filters = session, filters

    @cached_property
    def heads(self) -> dict:
        return headcount(self.session, self.filters, count_people=False).totals

    @cached_property
    def cards(self) -> dict:
        return card_report(self.session, self.filters).totals

    @cached_property
    def topups(self) -> dict:
        return topup_summary(self.session, self.filters).totals

    @cached_property
    def spent(self) -> dict:
        return consumption_summary(self.session, self.filters, by="month").totals  # the coarsest tally


def visits(src: Sources) -> int:
    """就餐人次（职工）."""
    return src.heads["visits"]


def visits_all(src: Sources) -> int | None:
    """供餐人次（含来宾）; None when the filters name departments or categories (guests have none)."""
    return src.heads["all_visits"]


def top_up(src: Sources) -> int:
    """个人充值, fen."""
    return src.topups["amount"]


def consumption(src: Sources) -> int:
    """个人消费, fen."""
    return src.spent["net"]


def cancelled(src: Sources) -> int:
    """清理清退, 人次."""
    return src.cards["cancelled"]


def cancelled_cash(src: Sources) -> int:
    """清退现金, fen."""
    return src.cards["cancelled_cash"]


def cards_issued(src: Sources) -> int:
    """新办补办就餐卡, 张."""
    return src.cards["issued"]


def average_per_meal(src: Sources) -> int:
    """平均每餐就餐人数（职工）."""
    return src.heads["average_per_meal"]


def average_per_meal_all(src: Sources) -> int | None:
    """平均每餐供餐人数（含来宾）."""
    return src.heads["all_average_per_meal"]


def busiest_lunch(src: Sources) -> int:
    """中午就餐人数最多（职工）."""
    return src.heads["busiest_lunch"]


def busiest_lunch_all(src: Sources) -> int | None:
    """中午供餐人数最多（含来宾）."""
    return src.heads["all_busiest_lunch"]


#: figure key -> its function.
FUNCTIONS = {"visits": visits, "visits_all": visits_all, "top_up": top_up, "consumption": consumption,
             "cancelled": cancelled, "cancelled_cash": cancelled_cash, "cards_issued": cards_issued,
             "average_per_meal": average_per_meal, "average_per_meal_all": average_per_meal_all,
             "busiest_lunch": busiest_lunch, "busiest_lunch_all": busiest_lunch_all}


@dataclass
class Figure:
    """One figure: its value as printed, the raw number (None: not counted under these filters), its
    definition and the report behind it."""

    key: str
    label: str
    value: str
    raw: int | None
    report: str
    unit: str
    definition: Definition


def printed(raw: int | None, unit: str) -> str:
    """A figure as the summary prints it: money as yuan with two decimals (ungrouped), counts as they are."""
    if raw is None:
        return "—"
    return money_yuan(raw, grouped=False) if unit == "元" else str(raw)


def canteen_figures(session: Session, filters: Filters) -> list[Figure]:
    """Every canteen figure of the period, in the definitions' order."""
    src = Sources(session, filters)
    out = []
    for d in CANTEEN:
        raw = FUNCTIONS[d.key](src)
        out.append(Figure(d.key, d.label, printed(raw, d.unit), raw, d.report, d.unit, d))
    return out


def served_meals(session: Session, start: date, end: date) -> dict[tuple[date, int], int]:
    """厨房实际用餐人数 (:data:`canteen.figures.definitions.KITCHEN`): per (day, meal period), meals eaten.

    Diners' meals not refunded in full and not charged for a booking nobody came to, plus guest tickets;
    meals outside any meal period are no meal of the kitchen's.
    """
    e = JournalEntry
    refunded = refunded_by_meal(since=start)
    eaten = ((e.kind == "guest_meal") | ((e.kind == "meal") & (func.coalesce(e.method, "") != "no_show")))
    rows = session.execute(
        select(e.business_date, e.meal_period_id, func.count())
        .outerjoin(refunded, refunded.c.meal_id == e.id)
        .where(eaten, e.meal_period_id.is_not(None), e.business_date >= start, e.business_date <= end,
               e.amount - func.coalesce(refunded.c.refunded, 0) > 0)
        .group_by(e.business_date, e.meal_period_id)).all()
    return {(day, period_id): count for day, period_id, count in rows}
