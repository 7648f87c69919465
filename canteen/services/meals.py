"""Meal charges (消费): a tap at a terminal, or an amount keyed by a cashier.

The subsidy wallet pays first, then cash. Refusals carry stable codes: unknown card, card
lost/replaced/cancelled, insufficient balance, outside any meal period, meal or daily limit
reached, repeated tap within the window.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from canteen.clock import local
from canteen.errors import DomainError
from canteen.models import Card, JournalEntry, MealPeriod, MealPrice, Person
from canteen.models.base import fen_sum
from canteen.services.cards import STATE_REFUSALS, usable_card
from canteen.services.common import Actor, Rules, check_amount, require_operator
from canteen.services.ledger import person_accounts, post_entry, system_account


@dataclass
class MealCharge:
    """A booked meal: what was charged from which wallet and what is left."""

    entry: JournalEntry
    person: Person
    card: Card
    meal_period: MealPeriod | None
    amount: int
    from_subsidy: int
    from_cash: int
    cash_left: int
    subsidy_left: int


def meal_period_at(session: Session, rules: Rules, at) -> MealPeriod | None:
    """The meal period open at instant `at` in the canteen's local time, if any."""
    when = local(at, rules.timezone)
    periods = session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True)).order_by(MealPeriod.start_time))
    return next((p for p in periods if p.serves(when.isoweekday(), when.time().replace(tzinfo=None))), None)


_REFUND = aliased(JournalEntry)
#: A person's meals on a day, net of their refunds; built once, it is on every tap's path.
_TODAYS_MEALS = (
    select(JournalEntry.amount - select(fen_sum(_REFUND.amount)).where(_REFUND.original_id == JournalEntry.id)
           .scalar_subquery(),
           JournalEntry.meal_period_id, JournalEntry.created_dt, JournalEntry.id)
    .where(JournalEntry.person_id == bindparam("person_id"), JournalEntry.business_date == bindparam("day"),
           JournalEntry.kind == "meal"))


def _todays_meals(session: Session, person_id: int, day) -> list[tuple[int, int | None, object, int]]:
    """(net amount, meal period, time, id) of the person's meals today; fully refunded ones left out."""
    rows = session.execute(_TODAYS_MEALS, {"person_id": person_id, "day": day})
    return [tuple(r) for r in rows if r[0] > 0]


def _check_limits(session, rules, actor, person, period, price, day, keyed) -> None:
    meals = _todays_meals(session, person.id, day)
    window = actor.at - timedelta(seconds=rules.double_tap_seconds)
    if not keyed and rules.double_tap_seconds > 0 and any(created > window for _, _, created, _ in meals):
        raise DomainError("repeated_tap")
    cat = person.category
    this_meal = [amount for amount, pid, _, _ in meals if period is not None and pid == period.id]
    if cat.per_meal_count is not None and len(this_meal) >= cat.per_meal_count:
        raise DomainError("meal_limit_reached", f"{len(this_meal)}/{cat.per_meal_count}")
    if cat.per_meal_amount is not None and sum(this_meal) + price > cat.per_meal_amount:
        raise DomainError("meal_limit_reached")
    if cat.per_day_count is not None and len(meals) >= cat.per_day_count:
        raise DomainError("daily_limit_reached", f"{len(meals)}/{cat.per_day_count}")
    if cat.per_day_amount is not None and sum(m[0] for m in meals) + price > cat.per_day_amount:
        raise DomainError("daily_limit_reached")


def charge_meal(session: Session, actor: Actor, rules: Rules, *, uid, amount=None) -> MealCharge:
    """Charge a meal to the card's holder: the fixed price of the current meal, or a keyed `amount`."""
    keyed = amount is not None
    if keyed:
        require_operator(actor, "cashier", "manager", "admin")
        amount = check_amount(amount, rules)
    card = usable_card(session, uid)
    person = card.person
    if person.state != "active":
        raise DomainError("card_cancelled", card.uid)
    wallets = person_accounts(session, person.id)
    # A loss, reissue or cancellation may have committed while we waited for the person's lock.
    state = session.scalar(select(Card.state).where(Card.id == card.id))
    if state != "active":
        raise DomainError(STATE_REFUSALS[state], card.uid)
    period = meal_period_at(session, rules, actor.at)
    if not keyed:
        if period is None:
            raise DomainError("outside_meal_period")
        amount = session.scalar(select(MealPrice.price).where(
            MealPrice.meal_period_id == period.id, MealPrice.category_id == person.category_id))
        if amount is None:
            raise DomainError("no_price", f"{period.name}/{person.category.name}")
    day = local(actor.at, rules.timezone).date()
    _check_limits(session, rules, actor, person, period, amount, day, keyed)
    cash, subsidy = wallets["cash"], wallets["subsidy"]
    from_subsidy = min(subsidy.balance, amount)
    from_cash = amount - from_subsidy
    if cash.balance < from_cash:
        raise DomainError("insufficient_balance", f"{cash.balance + subsidy.balance}/{amount}")
    booked = post_entry(
        session, kind="meal", amount=amount, method="wallet",
        postings=[(subsidy, -from_subsidy), (cash, -from_cash), (system_account(session, "meal_revenue"), amount)],
        created_dt=actor.at, business_date=day, idempotency_key=actor.key, person_id=person.id,
        card_id=card.id, meal_period_id=period.id if period else None, **actor.refs,
    )
    return MealCharge(
        booked.entry, person, card, period, amount, from_subsidy, from_cash,
        cash_left=booked.balances.get(cash.id, cash.balance),
        subsidy_left=booked.balances.get(subsidy.id, subsidy.balance),
    )
