"""The snapshot an offline terminal charges from (脱机数据): active cards with their holder and spendable balance,
the blacklist, meal periods and prices, and what the meal rules need; sealed for the terminal
(:func:`canteen.rules.offline_seal.snapshot_seal`)."""
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from canteen.clock import business_date
from canteen.models import Account, Card, DinerCategory, JournalEntry, MealPeriod, MealPrice, Person
from canteen.models.base import fen_sum
from canteen.models.ledger import RECEIVABLE_PREFIX
from canteen.rules.cards import CardState
from canteen.rules.offline_seal import snapshot_seal
from canteen.services.blacklist import blacklist_version


def build_snapshot(session: Session, timezone: str, terminal_code: str, key_hash: str, now,
                   double_tap_seconds: int = 0) -> dict:
    """What an offline terminal charges from: active cards with their holder and spendable balance, the
    blacklist, meal periods and prices, and what the meal rules need (each category's limits, the double-tap
    window, each person's meals today); sealed with an HMAC under the terminal's key (``hash``)."""
    version = blacklist_version(session)
    spendable: dict[int, int] = {}
    for person_id, balance in session.execute(select(Account.person_id, Account.balance).where(
            Account.kind.in_(("cash", "subsidy")))):
        spendable[person_id] = spendable.get(person_id, 0) + balance
    for code, balance in session.execute(select(Account.code, Account.balance).where(
            Account.code.startswith(RECEIVABLE_PREFIX))):
        person_id = int(code[len(RECEIVABLE_PREFIX):])
        spendable[person_id] = spendable.get(person_id, 0) + balance
    cards = [[uid, pid, name, cat, spendable.get(pid, 0)] for uid, pid, name, cat in session.execute(
        select(Card.uid, Card.person_id, Person.name, Person.category_id).join(Person, Person.id == Card.person_id)
        .where(Card.state == CardState.ACTIVE, Person.state == "active").order_by(Card.uid))]
    live = {c[0] for c in cards}
    blocked = sorted({(uid, state) for uid, state in session.execute(
        select(Card.uid, Card.state).where(Card.state != CardState.ACTIVE)) if uid not in live})
    prices = session.execute(select(MealPrice.meal_period_id, MealPrice.category_id, MealPrice.price)).all()
    periods = [{"id": p.id, "code": p.code, "name": p.name, "start": p.start_time.isoformat(),
                "end": p.end_time.isoformat(), "weekdays": p.weekdays,
                "prices": {str(c): fen for pid, c, fen in prices if pid == p.id}}
               for p in session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                        .order_by(MealPeriod.start_time))]
    day = business_date(now, timezone)
    limits = {str(c.id): [c.per_meal_count, c.per_day_count, c.per_meal_amount, c.per_day_amount]
              for c in session.scalars(select(DinerCategory))}
    body = {"version": version, "generated_at": now.isoformat(), "terminal": terminal_code, "timezone": timezone,
            "cards": cards, "blacklist": [list(b) for b in blocked], "periods": periods,
            "day": day.isoformat(), "double_tap_seconds": double_tap_seconds, "limits": limits,
            "meals_today": _meals_on(session, day)}
    body["hash"] = snapshot_seal(key_hash, body)
    return body


def _meals_on(session: Session, day) -> dict[str, list]:
    """{person id: [[meal period id, tapped at, net fen], ...]} of the day's meals not fully refunded."""
    refund = aliased(JournalEntry)
    refunded = select(fen_sum(refund.amount)).where(refund.original_id == JournalEntry.id).scalar_subquery()
    meals: dict[str, list] = {}
    for person_id, period_id, at, net in session.execute(
            select(JournalEntry.person_id, JournalEntry.meal_period_id, JournalEntry.created_dt,
                   JournalEntry.amount - refunded)
            .where(JournalEntry.business_date == day, JournalEntry.kind == "meal",
                   JournalEntry.person_id.is_not(None)).order_by(JournalEntry.id)):
        if net > 0:
            meals.setdefault(str(person_id), []).append([period_id, at.isoformat(), int(net)])
    return meals
