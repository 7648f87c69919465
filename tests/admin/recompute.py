"""Report figures recomputed directly from the journal's rows, in plain Python, the simplest way possible.

The tests compare every report with these; nothing here reuses the report code.
"""
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import Account, Card, CardEvent, JournalEntry, MealPeriod, Person, Posting, Shift


class Journal:
    """Every entry, posting, account, person and card event, loaded once."""

    def __init__(self, tz="Asia/Shanghai"):
        s = db.session
        self.tz = tz
        self.entries = {e.id: e for e in s.scalars(select(JournalEntry))}
        self.postings = list(s.scalars(select(Posting)))
        self.accounts = {a.id: a for a in s.scalars(select(Account))}
        self.people = {p.id: p for p in s.scalars(select(Person))}
        self.periods = {p.id: p for p in s.scalars(select(MealPeriod))}
        self.cards = {c.id: c for c in s.scalars(select(Card))}
        self.events = list(s.scalars(select(CardEvent).order_by(CardEvent.id)))
        self.shifts = list(s.scalars(select(Shift)))
        self.refunded = defaultdict(int)
        for e in self.entries.values():
            if e.kind == "refund":
                self.refunded[e.original_id] += e.amount

    def person_ok(self, person_id, departments=(), categories=()):
        person = self.people.get(person_id)
        return person is not None and (not departments or person.department_id in departments) and (
            not categories or person.category_id in categories)

    def in_period(self, e, start, end):
        return start <= e.business_date <= end

    def counted_meals(self, start, end, departments=(), categories=(), terminals=(), periods=()):
        return [e for e in self.entries.values() if e.kind == "meal" and e.method != "no_show"
                and self.in_period(e, start, end) and e.amount - self.refunded[e.id] > 0
                and self.person_ok(e.person_id, departments, categories)
                and (not terminals or e.terminal_id in terminals) and (not periods or e.meal_period_id in periods)]

    def headcount(self, start, end, **dims):
        per_meal = defaultdict(list)
        for e in self.counted_meals(start, end, **dims):
            per_meal[(e.business_date, e.meal_period_id)].append(e.person_id)
        diners = {k: len(set(v)) for k, v in per_meal.items()}
        lunch = [n for (d, pid), n in diners.items() if pid and self.periods[pid].code == "lunch"]
        # 时段外 (no meal period) counts in 人次 but is no meal: out of the average and the busiest meal.
        real = {k: n for k, n in diners.items() if k[1]}
        total = sum(real.values())
        return {"visits": sum(len(v) for v in per_meal.values()), "meals": len(real),
                "diners": sum(diners.values()),
                "average_per_meal": int((Decimal(total) / len(real)).quantize(Decimal(1), ROUND_HALF_UP))
                if real else 0,
                "busiest_diners": max(real.values(), default=0), "busiest_lunch": max(lunch, default=0),
                "people": len({person for people in per_meal.values() for person in people}),
                "per_meal": {k: (len(v), len(set(v))) for k, v in per_meal.items()}}

    def guest_meals(self, start, end, terminals=(), periods=(), **_people):
        """Guest meals (接待用餐) in the period at the chosen terminals and meal periods."""
        return sum(1 for e in self.entries.values() if e.kind == "guest_meal" and self.in_period(e, start, end)
                   and (not terminals or e.terminal_id in terminals) and (not periods or e.meal_period_id in periods))

    def consumption(self, start, end, key, departments=(), categories=(), terminals=(), periods=()):
        """{group key: [meal count, meal fen, refund count, refund fen]}; `key(entry, meal)` names the group."""
        out = defaultdict(lambda: [0, 0, 0, 0])
        for e in self.entries.values():
            if e.kind not in ("meal", "refund"):
                continue
            meal = e if e.kind == "meal" else self.entries[e.original_id]
            # A refund belongs to its meal's date (as 就餐人次 does).
            if meal.kind != "meal" or not self.in_period(meal, start, end):
                continue
            if not self.person_ok(e.person_id, departments, categories):
                continue
            if (terminals and meal.terminal_id not in terminals) or (periods and meal.meal_period_id not in periods):
                continue
            row = out[key(e, meal)]
            if e.kind == "meal":
                row[0] += 1
                row[1] += e.amount
            else:
                row[2] += 1
                row[3] += e.amount
        return dict(out)

    def wallet_postings(self):
        """(entry, account, fen) for every posting on a person's account."""
        for p in self.postings:
            account = self.accounts[p.account_id]
            if account.kind in ("cash", "subsidy", "deposit"):
                yield self.entries[p.entry_id], account, p.amount

    def topups(self, start, end, departments=(), categories=()):
        """[(entry, fen paid as top-up)]: a top-up's whole amount (also what repaid offline debt), a card issue's
        part into the cash wallet."""
        out = [(e, e.amount) for e in self.entries.values() if e.kind == "top_up"
               and self.in_period(e, start, end) and self.person_ok(e.person_id, departments, categories)]
        return out + [(e, fen) for e, account, fen in self.wallet_postings()
                      if e.kind == "card_issue" and account.kind == "cash" and fen > 0
                      and self.in_period(e, start, end) and self.person_ok(e.person_id, departments, categories)]

    def balances(self, end, departments=(), categories=()):
        held = defaultdict(lambda: defaultdict(int))
        for e, account, fen in self.wallet_postings():
            if e.business_date <= end and self.person_ok(account.person_id, departments, categories):
                held[account.person_id][account.kind] += fen
        return held

    def cancellations(self, start, end):
        """person id -> cash paid out (to the drawer leg) for cancellations in the period."""
        out = {}
        for e in self.entries.values():
            if e.kind == "cancel" and self.in_period(e, start, end):
                out[e.person_id] = sum(p.amount for p in e.postings if self.accounts[p.account_id].kind == "drawer")
        return out

    def card_events(self, start, end, kind):
        return [ev for ev in self.events if ev.kind == kind and start <= business_date(ev.created_dt, self.tz) <= end]

    def days(self, start, end):
        day = start
        while day <= end:
            yield day
            day += timedelta(days=1)


__all__ = ["Journal", "date"]
