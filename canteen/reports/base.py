"""What every report shares: filters, the result shape, and the building blocks of the queries.

A report is a plain function of a session and :class:`Filters` returning a :class:`Report`:
columns, rows and totals. Amounts stay integer fen; formatting belongs to the page or the export.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from canteen.errors import DomainError
from canteen.models import Department, DinerCategory, JournalEntry, MealPeriod, Person, Terminal

#: The widest period a report may span, and the dates it may fall between.
MAX_SPAN_DAYS = 366 * 10
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)

#: Journal entry kinds as managers call them.
KIND_LABELS = {
    "card_issue": "开卡", "top_up": "充值", "meal": "消费", "refund": "退款", "card_fee": "工本费",
    "cancel": "清退", "subsidy": "补贴发放", "subsidy_expiry": "补贴到期清零",
}
METHOD_LABELS = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "bank": "银行转账",
                 "wallet": "卡内余额", "fund": "补贴资金"}


@dataclass(frozen=True)
class Filters:
    """Which part of the journal a report covers: business dates `start`..`end` inclusive, and optional dimensions."""

    start: date
    end: date
    department_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    terminal_ids: tuple[int, ...] = ()
    meal_period_ids: tuple[int, ...] = ()
    #: The person whose statement is asked for.
    person_id: int | None = None
    #: The canteen's time zone: business dates and event times are local to it.
    tz: str = "Asia/Shanghai"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The instants the local dates start and end at, in UTC (end exclusive)."""
        zone = ZoneInfo(self.tz)
        first = datetime.combine(self.start, time(), zone).astimezone(timezone.utc)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(timezone.utc)
        return first, after


@dataclass
class Column:
    """One column: `kind` is ``text``, ``int``, ``fen`` (money) or ``date``."""

    key: str
    label: str
    kind: str = "text"


@dataclass
class Report:
    """A report's result: what the page shows and the export writes, figure for figure."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    totals: dict = field(default_factory=dict)
    #: (label column, value column) to draw, if a picture says more.
    chart: tuple[str, str] | None = None
    #: Lines shown under the table (reconciliation, notes).
    notes: list[str] = field(default_factory=list)


def check_filters(session: Session, filters: Filters) -> Filters:
    """Refuse dates out of range and ids that name nothing, with a message a manager understands."""
    if not (EARLIEST <= filters.start <= LATEST and EARLIEST <= filters.end <= LATEST):
        raise DomainError("invalid_input", f"日期须在 {EARLIEST} 至 {LATEST} 之间")
    if filters.start > filters.end:
        raise DomainError("invalid_input", "开始日期不能晚于结束日期")
    if (filters.end - filters.start).days > MAX_SPAN_DAYS:
        raise DomainError("invalid_input", "查询期间不能超过十年")
    for ids, model, label in ((filters.department_ids, Department, "部门"),
                              (filters.category_ids, DinerCategory, "人员类别"),
                              (filters.terminal_ids, Terminal, "终端"), (filters.meal_period_ids, MealPeriod, "餐次")):
        if ids:
            found = set(session.scalars(select(model.id).where(model.id.in_(ids))))
            missing = sorted(set(ids) - found)
            if missing:
                raise DomainError("invalid_input", f"{label}不存在：{', '.join(map(str, missing))}")
    if filters.person_id is not None and session.get(Person, filters.person_id) is None:
        raise DomainError("person_not_found")
    return filters


def in_period(query: Select, filters: Filters, entry=JournalEntry) -> Select:
    """Restrict to entries whose business date falls in the period."""
    return query.where(entry.business_date >= filters.start, entry.business_date <= filters.end)


def by_person(query: Select, filters: Filters, person_col) -> Select:
    """Restrict to people of the chosen departments and categories (joins Person when needed)."""
    if filters.department_ids or filters.category_ids:
        query = query.join(Person, Person.id == person_col)
        if filters.department_ids:
            query = query.where(Person.department_id.in_(filters.department_ids))
        if filters.category_ids:
            query = query.where(Person.category_id.in_(filters.category_ids))
    return query


def served(entry):
    """The condition that `entry` (JournalEntry or an alias) is a meal a diner was served at a till.

    A booked meal charged to a diner who did not come (method ``no_show``) is money spent, but nobody ate it.
    """
    return and_(entry.kind == "meal", func.coalesce(entry.method, "") != "no_show")


def refunded_by_meal(since: date | None = None):
    """Subquery: per meal entry, the total refunded against it so far.

    A refund is never booked before its meal, so for meals from `since` on only refunds from
    `since` on can count.
    """
    refund = aliased(JournalEntry)
    query = select(refund.original_id.label("meal_id"), func.sum(refund.amount).label("refunded")).where(
        refund.kind == "refund")
    if since is not None:
        query = query.where(refund.business_date >= since)
    return query.group_by(refund.original_id).subquery()


def names(session: Session, model, column="name") -> dict[int, str]:
    """id -> display name for a small table (departments, categories, terminals, meal periods)."""
    return dict(session.execute(select(model.id, getattr(model, column))).all())


def rounded_ratio(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (0 when nothing to divide)."""
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)
