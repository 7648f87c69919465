"""The headcount forecast (就餐人数预测): pure functions over one meal period's daily counts.

For a day ahead: the median of the same weekday over the last weeks, times the recent trend (how the last
two weeks ran against their weekdays' medians), never below the meals already booked. The manager's
calendar decides what a day is: a holiday (节假日) is forecast from past holidays (none known: 0), and a
swapped working day (调休上班, e.g. a Saturday) counts as the weekday it stands in for, in the history too.
"""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

#: Weeks of history behind a weekday's median, days behind the trend, and how far the trend may move it.
WEEKS = 6
TREND_DAYS = 14
TREND_LIMITS = (0.8, 1.25)


@dataclass(frozen=True)
class Calendar:
    """The manager's calendar: holidays, and swapped working days with the weekday they follow."""

    holidays: frozenset = frozenset()
    workdays: dict = field(default_factory=dict)

    def weekday(self, day: date) -> int | None:
        """The ISO weekday `day` runs as; None on a holiday."""
        if day in self.holidays:
            return None
        return self.workdays.get(day, day.isoweekday())


#: What a forecast rests on, as it is stored (a fixed form; pages word it through :func:`read_basis`).
BASIS = {"median": "weekday {weekday} median {median} x trend {trend}", "booked": "; booked {booked}",
         "holiday": "holiday: median of {n} past holidays", "not_served": "not served on weekday {weekday}",
         "no_history": "no history"}


def _pattern(form: str) -> str:
    """A basis form as a regular expression, each ``{name}`` a number captured under that name."""
    return re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[\\d.]+)", re.escape(form))


#: Each kind of basis as read back; a median may end with what was booked.
_BASIS_READ = {kind: re.compile(_pattern(form) + (f"(?:{_pattern(BASIS['booked'])})?" if kind == "median" else ""))
               for kind, form in BASIS.items() if kind != "booked"}


def read_basis(basis: str | None) -> tuple[str, dict[str, str]] | None:
    """A stored basis as (kind, its values): ``("median", {"weekday": "1", "median": "101.5", "trend": "1.01",
    "booked": None})``; None for a form this code does not know."""
    for kind, pattern in _BASIS_READ.items():
        found = pattern.fullmatch(basis or "")
        if found:
            return kind, found.groupdict()
    return None


@dataclass(frozen=True)
class Prediction:
    """A forecast and what it rests on, in a few words."""

    expected: int
    basis: str


def _served(weekday: int | None, serves: str) -> bool:
    return weekday is not None and str(weekday) in serves


def weekday_medians(history: dict[date, int], calendar: Calendar, *, weeks: int = WEEKS) -> dict[int, float]:
    """Per weekday (as the calendar runs it), the median of its last `weeks` ordinary days in `history`."""
    by_weekday: dict[int, list[int]] = {}
    for day in sorted(history, reverse=True):
        weekday = calendar.weekday(day)
        if weekday is not None and len(by_weekday.setdefault(weekday, [])) < weeks:
            by_weekday[weekday].append(history[day])
    return {weekday: median(counts) for weekday, counts in by_weekday.items() if counts}


def trend(history: dict[date, int], calendar: Calendar, medians: dict[int, float], *,
          days: int = TREND_DAYS, limits: tuple[float, float] = TREND_LIMITS) -> float:
    """The last `days` of history against their weekdays' medians (1.0 when there is nothing to compare)."""
    if not history:
        return 1.0
    last = max(history)
    actual = expected = 0.0
    for offset in range(days):
        day = last - timedelta(days=offset)
        weekday = calendar.weekday(day)
        if day in history and weekday is not None and medians.get(weekday):
            actual += history[day]
            expected += medians[weekday]
    if expected <= 0:
        return 1.0
    return min(max(actual / expected, limits[0]), limits[1])


def predict(history: dict[date, int], day: date, calendar: Calendar, *, serves: str = "1234567",
            booked: int | None = None, weeks: int = WEEKS) -> Prediction:
    """The expected headcount of one meal period on `day`.

    `history` holds the period's count for every day it covers (zeros included), all before `day`;
    `serves` are the ISO weekdays the period is served on; `booked`, when known, the meals booked for it.
    """
    floor = booked or 0
    weekday = calendar.weekday(day)
    if weekday is None:
        past = [count for past_day, count in history.items() if past_day in calendar.holidays]
        expected = round(median(past)) if past else 0
        return Prediction(max(expected, floor), BASIS["holiday"].format(n=len(past)))
    if not _served(weekday, serves):
        return Prediction(floor, BASIS["not_served"].format(weekday=weekday))
    medians = weekday_medians(history, calendar, weeks=weeks)
    if weekday not in medians:
        return Prediction(floor, BASIS["no_history"])
    factor = trend(history, calendar, medians)
    expected = round(medians[weekday] * factor)
    basis = BASIS["median"].format(weekday=weekday, median=f"{medians[weekday]:g}", trend=f"{factor:.2f}")
    if booked is not None and booked > expected:
        return Prediction(booked, basis + BASIS["booked"].format(booked=booked))
    return Prediction(expected, basis)


def ape(forecast: int, actual: int) -> float | None:
    """Absolute percentage error of one forecast; None when nobody came (a percentage of nothing)."""
    if actual <= 0:
        return None
    return abs(forecast - actual) / actual


def mape(pairs) -> float | None:
    """Mean absolute percentage error over (forecast, actual) pairs with someone coming; None if there are none."""
    errors = [e for e in (ape(f, a) for f, a in pairs) if e is not None]
    return sum(errors) / len(errors) if errors else None
