"""How is today: the figures of the back office's home page and its live dashboard, each from its one definition.

Meals are :func:`canteen.reports.headcount.counted_meals` (the headcount report's rule), money in and out is
:func:`canteen.reports.funds_summary`, the forecast is the one the kitchen page shows (the latest made before the
day, :class:`canteen.models.forecast.Forecast`), terminals are judged by :mod:`canteen.services.terminal_state`,
open offline gaps come from :func:`canteen.services.offline_gaps.list_gaps`.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from canteen import reports
from canteen.models import JournalEntry, MealPeriod, Terminal
from canteen.models.guest_meals import GuestMealRequest
from canteen.models.subsidies import RefundRequest
from canteen.models.forecast import Forecast
from canteen.reports import Filters
from canteen.reports.base import names
from canteen.reports.headcount import counted_meals
from canteen.services.blacklist import blacklist_version
from canteen.services.offline_gaps import list_gaps
from canteen.services.terminal_state import freshness, is_online

#: How the live figures name meals outside any meal period and entries booked without a terminal.
NO_PERIOD, NO_TERMINAL = "时段外", "（后台）"


def live_figures(session: Session, day: date, tz: str) -> dict:
    """The day's meals and diners per meal period and per terminal, and the day's money in and out of wallets."""
    f = Filters(start=day, end=day, tz=tz)
    periods, terminals = names(session, MealPeriod), names(session, Terminal, "code")
    per_period = session.execute(counted_meals(f, JournalEntry.meal_period_id, func.count(),
                                               func.count(distinct(JournalEntry.person_id)))
                                 .group_by(JournalEntry.meal_period_id)).all()
    per_terminal = session.execute(counted_meals(f, JournalEntry.terminal_id, func.count())
                                   .group_by(JournalEntry.terminal_id)).all()
    funds = reports.funds_summary(session, f).totals
    return {
        "date": day.isoformat(),
        "periods": sorted([{"id": p, "name": periods.get(p, NO_PERIOD), "visits": v, "diners": d}
                           for p, v, d in per_period], key=lambda r: r["name"]),
        "terminals": sorted([{"name": terminals.get(t, NO_TERMINAL), "visits": v} for t, v in per_terminal],
                            key=lambda r: r["name"]),
        "visits": sum(v for _, v, _ in per_period),
        "money_in": funds["money_in"], "money_out": funds["money_out"],
    }


def forecast_of_day(session: Session, day: date) -> dict[int, int]:
    """meal period id -> the headcount forecast for `day`, from the latest forecast made before it."""
    latest = (select(Forecast.meal_period_id, func.max(Forecast.made_on).label("made_on"))
              .where(Forecast.day == day).group_by(Forecast.meal_period_id).subquery())
    return dict(session.execute(select(Forecast.meal_period_id, Forecast.expected).join(
        latest, (latest.c.meal_period_id == Forecast.meal_period_id) & (latest.c.made_on == Forecast.made_on))
        .where(Forecast.day == day)).all())


@dataclass
class MealLine:
    """One meal period today: its name, the meals counted so far and the forecast (None: none was made)."""

    name: str
    visits: int
    forecast: int | None


def meals_against_forecast(session: Session, live: dict, day: date) -> list[MealLine]:
    """Today's active meal periods in serving order, with meals so far (from `live`) and their forecast."""
    served = {p.get("id"): p["visits"] for p in live["periods"]}
    forecast = forecast_of_day(session, day)
    periods = session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                              .order_by(MealPeriod.start_time)).all()
    lines = [MealLine(p.name, served.pop(p.id, 0), forecast.get(p.id)) for p in periods]
    outside = sum(served.values())
    if outside:
        lines.append(MealLine(NO_PERIOD, outside, None))
    return lines


@dataclass
class TerminalsNow:
    """The active terminals: how many, how many online, and which hold an old blacklist or an expired snapshot."""

    total: int
    online: int
    server_version: int
    behind: list[str]
    expired: list[str]


def terminals_now(session: Session, now: datetime) -> TerminalsNow:
    """The active terminals' state now, judged as the terminals page judges it."""
    found = session.scalars(select(Terminal).where(Terminal.active.is_(True)).order_by(Terminal.code)).all()
    version = blacklist_version(session)
    fresh = {t.code: freshness(t, version, now) for t in found}
    return TerminalsNow(len(found), sum(1 for t in found if is_online(t, now)), version,
                        [code for code, f in fresh.items() if f.version == "behind"],
                        [code for code, f in fresh.items() if f.snapshot == "expired"])


def pending_approvals(session: Session) -> dict[str, int]:
    """How many refund requests and guest-meal requests wait for a decision."""
    return {"refunds": session.scalar(select(func.count()).select_from(RefundRequest)
                                      .where(RefundRequest.state == "pending")) or 0,
            "guest_meals": session.scalar(select(func.count()).select_from(GuestMealRequest)
                                          .where(GuestMealRequest.state == "pending")) or 0}


def open_gaps(session: Session) -> int:
    """How many offline sequence gaps are open (not resolved and their charges not arrived)."""
    return sum(1 for gap in list_gaps(session, include_resolved=False) if gap.kind == "gap")
