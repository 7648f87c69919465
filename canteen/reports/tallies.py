"""Reading the pre-aggregates: which tally a report may use, and one consistent cut of them.

A report reads the tallies (entries up to the watermark) and the journal after the watermark. Under
PostgreSQL's read committed each statement sees the latest commit, so a rollup committing halfway
through could count entries twice; :func:`consistent` reads the rollup's version before and after and
runs the report again if it moved.
"""
from dataclasses import dataclass
from functools import wraps

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from canteen.models import EntryTally, Person, RollupPerson, RollupState
from canteen.reports.base import Filters
from canteen.reports.rollup import touched_days

#: The dimensions each grain of the tallies can split or filter by, coarsest first.
GRAIN_DIMS = {"total": set(), "department": {"department"}, "category": {"category"},
              "place": {"terminal", "meal_period"}}
#: Grains filed under a person's department or category.
PERSON_GRAINS = ("department", "category")


@dataclass(frozen=True)
class Cut:
    """Entries with ids up to `watermark` are in the tallies; `moved`: some person changed department since."""

    watermark: int = 0
    version: int = 0
    moved: bool = False


#: No tallies: the report reads the whole journal.
DIRECT = Cut()


def read_version(session: Session) -> int:
    """The rollup's version as committed now (0 before the first rollup)."""
    return int(session.scalar(select(RollupState.version).where(RollupState.id == 1)) or 0)


def read_cut(session: Session) -> Cut:
    """The rollup's watermark and version as committed now."""
    row = session.execute(select(RollupState.watermark, RollupState.version).where(RollupState.id == 1)).first()
    if row is None or not row.watermark:
        return Cut(0, int(row.version)) if row is not None else DIRECT
    moved = session.scalar(select(func.count()).select_from(Person)
                           .join(RollupPerson, RollupPerson.person_id == Person.id)
                           .where(or_(func.coalesce(Person.department_id, 0) != RollupPerson.department_id,
                                      func.coalesce(Person.category_id, 0) != RollupPerson.category_id)))
    return Cut(int(row.watermark), int(row.version), bool(moved))


def consistent(report):
    """Run `report(session, filters, ..., cut=...)` on one state of the tallies."""
    @wraps(report)
    def run(session: Session, filters: Filters, *args, **kwargs):
        for _ in range(3):
            cut = read_cut(session)
            result = report(session, filters, *args, cut=cut, **kwargs)
            if read_version(session) == cut.version:
                return result
        return report(session, filters, *args, cut=DIRECT, **kwargs)
    return run


def filter_dims(filters: Filters) -> set[str]:
    """The dimensions a report's filters restrict."""
    return {name for name, ids in (("department", filters.department_ids), ("category", filters.category_ids),
                                   ("terminal", filters.terminal_ids), ("meal_period", filters.meal_period_ids))
            if ids}


def grain_for(cut: Cut, filters: Filters, *split: str, grains=tuple(GRAIN_DIMS)) -> str | None:
    """The tally grain (of `grains`) that covers the filters and the `split` dimensions, or None (read the journal).

    A department or category grain is not used while someone's move is not rolled up yet.
    """
    if not cut.watermark:
        return None
    needed = filter_dims(filters) | {d for d in split if d not in ("day", "month")}
    for grain in grains:
        if needed <= GRAIN_DIMS[grain] and not (grain in PERSON_GRAINS and cut.moved):
            return grain
    return None


def entry_tally(grain: str, filters: Filters, kinds, *columns, origin: bool = False):
    """A select of `columns` over the entry tally of `grain` in the period, restricted by the filters.

    `origin`: terminal and meal period filters apply to a refund's meal (consumption), not the refund.
    """
    t = EntryTally
    query = select(*columns).where(t.grain == grain, t.kind.in_(kinds), t.business_date >= filters.start,
                                   t.business_date <= filters.end)
    for ids, column in ((filters.department_ids, t.department_id), (filters.category_ids, t.category_id),
                        (filters.terminal_ids, t.origin_terminal_id if origin else t.terminal_id),
                        (filters.meal_period_ids, t.origin_period_id if origin else t.meal_period_id)):
        if ids:
            query = query.where(column.in_(ids))
    return query


def none_for_zero(value):
    """Tally keys hold 0 for "none"; reports name it None as the journal does."""
    return None if value == 0 else value


def open_days(session: Session, cut: Cut, filters: Filters) -> list:
    """The days of the period the tallies do not hold whole: a meal of theirs, or a refund of one, came after
    the watermark (today, a late offline replay, a late refund). Sorted."""
    days = touched_days(cut.watermark)
    day = days.c.business_date
    return sorted(d for (d,) in session.connection().execute(
        select(day).where(day >= filters.start, day <= filters.end)))
