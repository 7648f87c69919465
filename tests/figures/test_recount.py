"""Every canteen figure recomputed from the journal's rows by its written definition (canteen.figures.definitions),
in plain Python, for a year, a month and a week across a month boundary, before and after the rollup.

The activity: meals at lunch and dinner over several months, an offline lunch replayed more than a week late,
an offline charge outside any meal period, a lunch refunded in the next month, guest tickets, a no-show charge,
a top-up that first repaid offline debt, a cancellation and cards issued.
"""
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from canteen.clock import business_date
from canteen.extensions import db
from canteen.figures import canteen_figures
from canteen.models import Account, Card, CardEvent, JournalEntry, MealPeriod, Posting
from canteen.reports.rollup import rollup
from canteen.services.cancel import cancel_card
from tests.figures.helpers import Offline, at, guests, meal, no_show, refund_all, span

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
MONTH = (date(2026, 11, 1), date(2026, 11, 30))
WEEK = (date(2026, 11, 27), date(2026, 12, 3))  # Friday to Thursday, across November and December


def _round(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / denominator).quantize(Decimal(1), ROUND_HALF_UP)) if denominator else 0


def recount(start: date, end: date) -> dict:
    """The figures by their definitions, from the rows."""
    s = db.session
    entries = {e.id: e for e in s.scalars(select(JournalEntry))}
    periods = {p.id: p for p in s.scalars(select(MealPeriod))}
    refunded = defaultdict(int)
    for e in entries.values():
        if e.kind == "refund":
            refunded[e.original_id] += e.amount
    inside = lambda day: start <= day <= end  # noqa: E731
    diners, guest_count = defaultdict(set), defaultdict(int)
    visits = 0
    for e in entries.values():
        if e.kind == "meal" and e.method != "no_show" and inside(e.business_date) \
                and e.amount - refunded[e.id] > 0:
            visits += 1
            diners[(e.business_date, e.meal_period_id)].add(e.person_id)
        if e.kind == "guest_meal" and inside(e.business_date):
            guest_count[(e.business_date, e.meal_period_id)] += 1
    real = {k for k in set(diners) | set(guest_count) if k[1] is not None}
    diner_meals = [k for k in real if diners.get(k)]
    lunch = [k for k in real if periods[k[1]].code == "lunch"]
    cash = {a.id for a in s.scalars(select(Account).where(Account.kind == "cash"))}
    drawers = {a.id for a in s.scalars(select(Account).where(Account.kind == "drawer"))}
    postings = list(s.scalars(select(Posting)))
    top_up = sum(e.amount for e in entries.values() if e.kind == "top_up" and inside(e.business_date))
    top_up += sum(p.amount for p in postings if p.account_id in cash and p.amount > 0
                  and entries[p.entry_id].kind == "card_issue" and inside(entries[p.entry_id].business_date))
    spent = sum(e.amount for e in entries.values() if e.kind == "meal" and inside(e.business_date))
    spent -= sum(e.amount for e in entries.values() if e.kind == "refund"
                 and entries[e.original_id].kind == "meal" and inside(entries[e.original_id].business_date))
    holders = dict(s.execute(select(Card.id, Card.person_id)).all())
    events = [ev for ev in s.scalars(select(CardEvent)) if inside(business_date(ev.created_dt, "Asia/Shanghai"))]
    cancels = [e for e in entries.values() if e.kind == "cancel" and inside(e.business_date)]
    return {
        "visits": visits, "visits_all": visits + sum(guest_count.values()),
        "top_up": top_up, "consumption": spent,
        "cancelled": len({holders[ev.card_id] for ev in events if ev.kind == "cancelled"}),
        "cancelled_cash": sum(p.amount for e in cancels for p in postings
                               if p.entry_id == e.id and p.account_id in drawers),
        "cards_issued": sum(1 for ev in events if ev.kind == "issued"),
        "average_per_meal": _round(sum(len(diners[k]) for k in diner_meals), len(diner_meals)),
        "average_per_meal_all": _round(sum(len(diners.get(k, ())) + guest_count.get(k, 0) for k in real), len(real)),
        "busiest_lunch": max((len(diners.get(k, ())) for k in lunch), default=0),
        "busiest_lunch_all": max((len(diners.get(k, ())) + guest_count.get(k, 0) for k in lunch), default=0),
    }


def _activity(world):
    terminal, _ = world.terminal()
    offline = Offline(world)
    people = [world.diner(cash=100_000) for _ in range(5)]
    for n, day in enumerate([date(2026, 3, 2), date(2026, 10, 30), *(date(2026, 11, 23) + timedelta(days=i)
                                                                      for i in range(12))]):
        for i, (_, card) in enumerate(people[: 2 + (n % 4)]):
            meal(world, terminal, card, at(day, 12, i))
        meal(world, terminal, people[0][1], at(day, 18))
    # An offline lunch of 27 November that arrives on 5 December (8 days late): it stays a 27 November lunch.
    late = Offline(world)
    late.charge(people[4][1], 800, at(date(2026, 11, 27), 12, 10), at(date(2026, 12, 5), 9))
    offline.charge(people[1][1], 800, at(date(2026, 11, 30), 15, 10), at(date(2026, 11, 30), 15, 20))  # 时段外
    refunded = db.session.scalar(select(JournalEntry).where(
        JournalEntry.kind == "meal", JournalEntry.business_date == date(2026, 11, 30)).order_by(JournalEntry.id))
    refund_all(world, refunded, at(date(2026, 12, 2), 10))  # refunded in December, off November
    guests(world, terminal, date(2026, 11, 30), 4)
    guests(world, terminal, date(2026, 12, 1), 2)
    no_show(world, people[3][0], date(2026, 12, 1), "lunch")
    debtor, card = world.diner(cash=0)
    offline.charge(card, 1500, at(date(2026, 12, 1), 12, 30), at(date(2026, 12, 1), 13))
    world.top_up(debtor, 5000)  # repays 15.00 first; the diner paid 50.00
    cancel_card(db.session, world.actor(world.cashier()), world.rules, person=people[2][0])
    db.session.commit()


def test_every_canteen_figure_recounts_from_the_journal_by_its_definition(world):
    _activity(world)
    for when in ("before", "after"):
        for start, end in (YEAR, MONTH, WEEK):
            got = {f.key: f.raw for f in canteen_figures(db.session, span(start, end))}
            assert got == recount(start, end), (when, start, end)
        rollup(db.session)
    week = recount(*WEEK)
    assert week["visits_all"] - week["visits"] == 6 and week["average_per_meal_all"] > week["average_per_meal"]
