"""The demo's calendar: who does what when, drawn day by day before it is booked.

Nothing here touches the database; :mod:`canteen.demo.book` turns the events into service calls.
"""
import calendar
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from canteen.demo.names import Diner

CASHIERS = ("cashier1", "cashier2")
#: Cash in each drawer when a shift opens (备用金), fen.
OPENING_FLOAT = 50_000
#: Below this balance (fen) a diner is likely to top up that day.
LOW_BALANCE = 6_000
#: Monthly meal subsidy for 在编职工, fen.
SUBSIDY_EACH = 15_000
#: Card deposit (押金) and reissue fee (工本费), fen.
DEPOSIT, REISSUE_FEE = 2_000, 2_000
#: Where most taps of a meal fall: (start of the rush, its length in minutes, share of taps in it).
RUSH = {"breakfast": (time(7, 40), 45, 0.7), "lunch": (time(11, 40), 40, 0.82), "dinner": (time(17, 30), 40, 0.7)}
TOP_UP_METHODS = (("wechat", 40), ("alipay", 20), ("cash", 30), ("bank", 10))


@dataclass(order=True)
class Event:
    """One thing that happens in the demo canteen, ordered by local time."""

    when: datetime
    prio: int
    seq: int
    kind: str = field(compare=False)
    who: int | None = field(compare=False, default=None)
    data: dict = field(compare=False, default_factory=dict)


@dataclass
class Period:
    """A meal period as the database defines it."""

    code: str
    start: time
    end: time
    weekdays: str


@dataclass
class Specials:
    """The rarer things, drawn once for the whole run: late joiners, losses, cancellations, refunds."""

    joins: dict[int, datetime] = field(default_factory=dict)
    cancels: dict[int, datetime] = field(default_factory=dict)
    #: who -> (reported lost, card back, "reissue" or "unfreeze", reported at the till?)
    losses: dict[int, tuple[datetime, datetime, str, bool]] = field(default_factory=dict)
    keyed: tuple[int, datetime] | None = None
    refund_days: list[date] = field(default_factory=list)

    def absent(self, who: int, when: datetime) -> bool:
        """True while `who` cannot tap: before the day after joining, after leaving, while the card is lost."""
        if who in self.joins and when.date() <= self.joins[who].date():
            return True
        if who in self.cancels and when >= self.cancels[who]:
            return True
        loss = self.losses.get(who)
        return bool(loss and loss[0] <= when < loss[1])

    def involved(self) -> set[int]:
        """Everyone with a special part to play (kept apart from the random refunds)."""
        keyed = {self.keyed[0]} if self.keyed else set()
        return set(self.joins) | set(self.cancels) | set(self.losses) | keyed


class Calendar:
    """Local times, shifts and events for the demo, all from one seeded random generator."""

    def __init__(self, rng: random.Random, tz: str):
        self.rng = rng
        self.tz = ZoneInfo(tz)
        self._seq = itertools.count()

    def at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        """A local time on `day`."""
        return datetime.combine(day, time(hour, minute, second), tzinfo=self.tz)

    def between(self, day: date, start: tuple[int, int], end: tuple[int, int]) -> datetime:
        """A uniformly random local time on `day` between two (hour, minute) marks."""
        a, b = start[0] * 3600 + start[1] * 60, end[0] * 3600 + end[1] * 60
        return self.at(day, 0) + timedelta(seconds=self.rng.randrange(a, b))

    def event(self, when: datetime, kind: str, who: int | None = None, prio: int = 1, **data) -> Event:
        """An event; at the same instant, shifts open (prio 0) before and close (prio 2) after the rest."""
        return Event(when, prio, next(self._seq), kind, who, data)

    @staticmethod
    def weekend(day: date) -> bool:
        """Saturday or Sunday."""
        return day.isoweekday() >= 6

    def on_duty(self, when: datetime) -> str:
        """The cashier at the till at `when`: one on duty at weekends, the early one until 12:30 on weekdays."""
        if self.weekend(when.date()):
            return CASHIERS[when.isoweekday() - 6]
        return CASHIERS[0] if when.time() < time(12, 30) else CASHIERS[1]

    def shifts(self, day: date) -> list[Event]:
        """Each cashier's shift that day: early 06:20-14:00 and late 10:50-19:45, one long one at weekends."""
        if self.weekend(day):
            hours = {self.on_duty(self.at(day, 12)): ((6, 20), (19, 45))}
        else:
            hours = {CASHIERS[0]: ((6, 20), (14, 0)), CASHIERS[1]: ((10, 50), (19, 45))}
        events = []
        for cashier, (opens, closes) in hours.items():
            events.append(self.event(self.at(day, *opens), "open", prio=0, cashier=cashier))
            closing = self.at(day, *closes) + timedelta(seconds=self.rng.randrange(0, 540))
            events.append(self.event(closing, "close", prio=2, cashier=cashier))
        return events

    def meal_time(self, day: date, period: Period) -> datetime:
        """When a diner taps for `period`: mostly in its rush, the rest spread over the whole window."""
        start, end = self.at(day, period.start.hour, period.start.minute), self.at(day, period.end.hour,
                                                                                    period.end.minute)
        rush = RUSH.get(period.code)
        if rush and self.rng.random() < rush[2]:
            minutes = self.rng.triangular(0, rush[1], rush[1] * 0.35)
            when = self.at(day, rush[0].hour, rush[0].minute) + timedelta(minutes=minutes)
        else:
            when = start + timedelta(seconds=self.rng.uniform(0, (end - start).total_seconds()))
        return min(max(when, start), end - timedelta(seconds=1)).replace(microsecond=0)

    def top_up_amount(self, category: str) -> tuple[int, str]:
        """A top-up a diner would make: round amounts, paid by WeChat, Alipay, cash or bank transfer."""
        method = self.rng.choices([m for m, _ in TOP_UP_METHODS], weights=[w for _, w in TOP_UP_METHODS])[0]
        if method == "cash" or category == "guest":
            return self.rng.choices([5_000, 10_000, 20_000, 30_000], weights=[2, 5, 3, 1])[0], method
        return self.rng.choices([10_000, 20_000, 30_000, 50_000], weights=[4, 4, 2, 1])[0], method


def draw_specials(cal: Calendar, diners: list[Diner], days: list[date]) -> Specials:
    """Pick distinct people and days for the rarer events, scaled to the size of the demo."""
    rng, people = cal.rng, len(diners)
    workdays = [d for d in days if not cal.weekend(d)] or days
    pool = [i for i, d in enumerate(diners) if d.category != "guest"]
    rng.shuffle(pool)

    def take(n: int) -> list[int]:
        return [pool.pop() for _ in range(min(n, len(pool)))]

    specials = Specials()
    for who in take(people // 50 if len(days) > 1 else 0):
        specials.joins[who] = cal.between(rng.choice(days[1:]), (9, 0), (11, 30))
    later = [d for d in workdays if d >= days[len(days) // 2]] or workdays
    for who in take(max(1, people // 100)):
        specials.cancels[who] = cal.between(rng.choice(later), (14, 0), (16, 30))
    for who in take(max(1, people // 60)):
        if len(days) > 1:
            index = rng.randrange(len(days) - 1)
            at_till = rng.random() < 0.5
            lost = cal.between(days[index], (15, 0), (17, 0)) if at_till else cal.between(
                days[index], (19, 50), (21, 30))
            back = cal.between(days[index + 1], (8, 40), (11, 0))
        else:
            lost, back, at_till = cal.between(days[0], (8, 0), (9, 0)), cal.between(days[0], (15, 0), (16, 0)), True
        specials.losses[who] = (lost, back, "reissue", at_till)
    for who in take(1):
        day = rng.choice(days)
        specials.losses[who] = (cal.between(day, (12, 40), (13, 10)), cal.between(day, (16, 0), (17, 30)),
                                "unfreeze", True)
    for who in take(1):
        specials.keyed = (who, cal.between(rng.choice(workdays), (11, 50), (12, 15)))
    specials.refund_days = [rng.choice(workdays) for _ in range(max(2, people * len(days) // 600))]
    return specials


def opening_day(cal: Calendar, day: date, newcomers: list[int]) -> list[Event]:
    """The day before the history starts: every card is issued (开卡) at the two tills."""
    events = cal.shifts(day)
    start, span = cal.at(day, 8, 30), 9 * 3600
    for n, who in enumerate(newcomers):
        offset = span * n // max(1, len(newcomers)) + cal.rng.randrange(0, max(1, span // max(1, len(newcomers))))
        events.append(cal.event(start + timedelta(seconds=offset), "join", who))
    return events


def day_events(cal: Calendar, day: date, first: bool, diners: list[Diner], specials: Specials,
               periods: list[Period], balance: dict[int, int], priced: set[tuple[str, str]]) -> list[Event]:
    """Everything that happens on one day of the history, unordered."""
    rng, events = cal.rng, cal.shifts(day)
    weekend, mood = cal.weekend(day), rng.uniform(0.9, 1.04)
    if day.day == 1:
        events.append(cal.event(cal.at(day, 0, 10), "expire"))
    month_days = calendar.monthrange(day.year, day.month)[1]
    if day.day == 1 or (first and day.day != month_days):
        # The first batch of a canteen opened mid-month covers the rest of that month only.
        left = month_days - day.day + 1
        amount = SUBSIDY_EACH * left // month_days // 100 * 100
        title = f"{day.year}年{day.month}月在编职工餐费补贴" + ("" if day.day == 1 else f"（{day.day}日起按天折算）")
        events.append(cal.event(cal.at(day, 8, 40), "subsidy", title=title, amount=amount,
                                expires_on=day.replace(day=month_days)))
    keyed = specials.keyed if specials.keyed and specials.keyed[1].date() == day else None
    taps = []
    for who, diner in enumerate(diners):
        for period in periods:
            if str(day.isoweekday()) not in period.weekdays or (period.code, diner.category) not in priced:
                continue
            chance = diner.appetite.get(period.code, 0.1) * mood * (diner.weekend if weekend else 1)
            if rng.random() >= chance:
                continue
            when = cal.meal_time(day, period)
            if specials.absent(who, when) or (keyed and keyed[0] == who and period.code == "lunch"):
                continue
            terminal = "T01" if rng.random() < (0.5 if period.code == "lunch" else 0.75) else "T02"
            taps.append(cal.event(when, "tap", who, period=period.code, terminal=terminal))
        if who not in specials.cancels or day < specials.cancels[who].date():
            low = balance.get(who, 0) < LOW_BALANCE
            if rng.random() < (0.4 if low else 0.01):
                when = cal.between(day, (9, 0), (18, 0)) if weekend else cal.between(day, (8, 0), (17, 30))
                if not specials.absent(who, when):
                    amount, method = cal.top_up_amount(diner.category)
                    events.append(cal.event(when, "topup", who, amount=amount, method=method))
    events += taps
    events += _specials_of(cal, day, specials, taps)
    return events


def _specials_of(cal: Calendar, day: date, specials: Specials, taps: list[Event]) -> list[Event]:
    rng, events = cal.rng, []
    for who, when in specials.joins.items():
        if when.date() == day:
            events.append(cal.event(when, "join", who))
    for who, when in specials.cancels.items():
        if when.date() == day:
            events.append(cal.event(when, "cancel", who))
    for who, (lost, back, how, at_till) in specials.losses.items():
        if lost.date() == day:
            events.append(cal.event(lost, "loss", who, at_till=at_till))
        if back.date() == day:
            events.append(cal.event(back, how, who, fee=REISSUE_FEE, method=rng.choice(("cash", "wechat"))))
    if specials.keyed and specials.keyed[1].date() == day:
        who, when = specials.keyed
        events.append(cal.event(when, "keyed", who))
        events.append(cal.event(when + timedelta(minutes=rng.randint(15, 30)), "big_refund", who))
        events.append(cal.event(when + timedelta(minutes=rng.randint(60, 120)), "approve", who))
    involved = specials.involved()
    candidates = [t for t in taps if t.who not in involved and t.data["period"] in ("breakfast", "lunch")]
    for _ in range(specials.refund_days.count(day)):
        if not candidates:
            break
        tap = candidates.pop(rng.randrange(len(candidates)))
        share = rng.choice(("full", "full", "part"))
        events.append(cal.event(tap.when + timedelta(minutes=rng.randint(5, 40)), "refund", tap.who,
                                period=tap.data["period"], share=share))
    return events
