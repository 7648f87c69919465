"""Card taps at terminals, keyed charges, balance look-up, today's meals."""
from flask import current_app, jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from canteen.api.auth import current_operator, current_terminal
from canteen.api.schemas import ChargeBody, EntriesArgs, TapBody
from canteen.api.serialize import balances, card_dict, entry_dict, person_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.clock import local
from canteen.extensions import db
from canteen.live import LIVE_CHANNEL, publish
from canteen.models import DinerCategory, JournalEntry, MealPeriod, MealPrice, utcnow
from canteen.services.cards import find_card
from canteen.services.meals import MealCharge, charge_meal, meal_period_at

blp = Blueprint("taps", __name__, url_prefix="/api/v1", description="Card taps and meal charges")

TERMINAL = [{"terminalId": [], "terminalKey": []}]
TERMINAL_AND_OPERATOR = [{"terminalId": [], "terminalKey": [], "operatorToken": []}]


def charge_dict(charge: MealCharge) -> dict:
    """What a terminal shows and prints after a meal charge (from what the charge read and wrote: no query)."""
    return {
        "entry": entry_dict(charge.entry_row), "person": charge.diner.as_dict(), "card_uid": charge.card_uid,
        "meal_period": charge.meal_period.name if charge.meal_period else None, "amount": charge.amount,
        "from_subsidy": charge.from_subsidy, "from_cash": charge.from_cash,
        "cash_left": charge.cash_left, "subsidy_left": charge.subsidy_left,
        **low_balance(charge),
    }


def low_balance(charge: MealCharge) -> dict:
    """The diner's own low-balance reminder (余额提醒): whether what is left is below the threshold they set."""
    threshold = charge.diner.low_balance_fen  # read with the card (see canteen.services.meals), no query here
    left = charge.cash_left + charge.subsidy_left
    return {"low_balance": threshold is not None and left < threshold, "low_balance_threshold": threshold}


@blp.post("/taps")
@blp.arguments(TapBody())  # an instance: webargs would build one per request from the class
@blp.doc(summary="A diner taps a card: charge the current meal's fixed price",
         parameters=[KEY_PARAMETER], security=TERMINAL)
def tap(body):
    """Charge the fixed price of the meal period now open to the card's holder."""
    current_terminal(cached=True)
    return announce(write("tap", body, tap_action(body), late=True))


def tap_action(body: dict, session=None):
    """What a tap does for its actor (the route's, and the fast lane's on its own `session`, see
    :mod:`canteen.api.lane`)."""
    return lambda actor: (200, charge_dict(charge_meal(session or db.session(), actor, rules(), uid=body["uid"])))


@blp.post("/charges")
@blp.arguments(ChargeBody())
@blp.doc(summary="Charge an amount keyed by the cashier", parameters=[KEY_PARAMETER],
         security=TERMINAL_AND_OPERATOR)
def charge(body):
    """Charge an amount the cashier keyed in (计价消费)."""
    current_terminal(cached=True)
    current_operator()
    return announce(write("charge", body, lambda actor: (200, charge_dict(
        charge_meal(db.session(), actor, rules(), uid=body["uid"], amount=body["amount"]))), late=True))


def announce(response):
    """Tell live views (the dashboard) that a meal was booked, if `response` says so; never holds up the tap."""
    if response.status_code == 200 and "Idempotent-Replayed" not in response.headers:
        announce_meal()
    return response


def announce_meal() -> None:
    """Tell live views (the dashboard) that a meal was booked."""
    publish(current_app, LIVE_CHANNEL, "meal")


@blp.get("/cards/<uid>")
@blp.doc(summary="Balance look-up by card UID", security=TERMINAL)
def card_lookup(uid):
    """The card, its holder and their balances."""
    current_terminal(required=False) or current_operator()
    card = find_card(db.session, uid)
    return jsonify(card=card_dict(card), person=person_dict(card.person), balances=balances(db.session, card.person))


@blp.get("/meal-periods")
@blp.doc(summary="Meal periods, prices and the one open now", security=TERMINAL)
def meal_periods():
    """What the terminal shows: today's meals, prices per category (with the categories' names), and the current
    one."""
    current_terminal(required=False) or current_operator()
    periods = db.session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True)).order_by(
        MealPeriod.start_time)).all()
    prices = db.session.execute(select(MealPrice.meal_period_id, MealPrice.category_id, MealPrice.price)).all()
    now = meal_period_at(db.session, rules(), utcnow())
    categories = db.session.execute(select(DinerCategory.id, DinerCategory.name)).all()
    return jsonify(
        now=now.code if now else None, local_time=local(utcnow(), rules().timezone).isoformat(),
        categories={str(c): name for c, name in categories},
        periods=[{"id": p.id, "code": p.code, "name": p.name, "start": p.start_time.isoformat("minutes"),
                  "end": p.end_time.isoformat("minutes"), "weekdays": p.weekdays,
                  "prices": {str(c): fen for pid, c, fen in prices if pid == p.id}} for p in periods])


@blp.get("/terminal/entries")
@blp.arguments(EntriesArgs, location="query")
@blp.doc(summary="Recent entries booked at this terminal (for refunds and reprints)", security=TERMINAL)
def recent_entries(args):
    """The latest entries of one kind booked at the calling terminal."""
    terminal = current_terminal()
    rows = db.session.scalars(select(JournalEntry).where(
        JournalEntry.terminal_id == terminal.id, JournalEntry.kind == args["kind"])
        .order_by(JournalEntry.id.desc()).limit(args["limit"])).all()
    return jsonify(entries=[entry_dict(e) for e in rows])
