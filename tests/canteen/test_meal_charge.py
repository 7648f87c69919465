"""Meal charges: fixed price, subsidy first, and every refusal code with nothing written."""
import pytest
from sqlalchemy import func, select

from canteen.errors import DomainError
from canteen.models import JournalEntry, Posting
from canteen.services.cards import reissue_card, report_loss
from canteen.services.meals import charge_meal
from canteen.services.subsidies import issue_subsidy
from tests.world import new_uid


def _counts(session):
    return (session.scalar(select(func.count()).select_from(JournalEntry)),
            session.scalar(select(func.count()).select_from(Posting)))


def test_a_tap_charges_the_fixed_price_of_the_open_meal(world):
    world.all_day_meal(prices={"staff": 800, "contract": 1000})
    person, card = world.diner(cash=2000)
    terminal, _ = world.terminal()
    charge = charge_meal(world.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
    world.session.commit()
    assert (charge.amount, charge.from_cash, charge.cash_left, charge.subsidy_left) == (800, 800, 1200, 0)
    assert charge.entry.kind == "meal" and charge.entry.terminal_id == terminal.id
    assert sorted(p.amount for p in charge.entry.postings) == [-800, 800]


def test_the_subsidy_wallet_pays_before_cash(world):
    world.all_day_meal(price=800)
    dept = world.department("财务科")
    person, card = world.diner(cash=1000, department=dept)
    manager = world.operator("manager")
    issue_subsidy(world.session, world.actor(manager), world.rules, title="十一月餐补", amount_each=500,
                  department_ids=[dept.id])
    world.session.commit()
    charge = charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    assert (charge.from_subsidy, charge.from_cash, charge.subsidy_left, charge.cash_left) == (500, 300, 0, 700)


@pytest.mark.parametrize("setup, code", [
    ("unknown", "unknown_card"), ("lost", "card_lost"), ("replaced", "card_replaced"),
    ("poor", "insufficient_balance"), ("closed", "outside_meal_period"), ("malformed", "invalid_uid"),
    ("random", "random_uid"), ("meal_limit", "meal_limit_reached"), ("daily_limit", "daily_limit_reached"),
    ("double_tap", "repeated_tap"),
])
def test_every_refusal_has_its_code_and_writes_nothing(world, setup, code):
    period = world.all_day_meal(price=800)
    person, card = world.diner(cash=100 if setup == "poor" else 5000)
    uid = card.uid
    rules = world.rules
    if setup == "unknown":
        uid = new_uid()
    elif setup == "lost":
        report_loss(world.session, world.actor(world.cashier()), card=card)
    elif setup == "replaced":
        reissue_card(world.session, world.actor(world.cashier()), rules, card=card, new_uid=new_uid())
    elif setup == "closed":
        period.active = False
    elif setup == "malformed":
        uid = "ZZ-not-hex"
    elif setup == "random":
        uid = "08A1B2C3"
    elif setup in ("meal_limit", "daily_limit", "double_tap"):
        category = person.category
        category.per_meal_count = 1 if setup == "meal_limit" else None
        category.per_day_count = 1 if setup == "daily_limit" else None
        if setup == "double_tap":
            rules = type(rules)(**{**rules.__dict__, "double_tap_seconds": 60})
        world.session.commit()
        charge_meal(world.session, world.actor(), rules, uid=uid)
    world.session.commit()
    before = _counts(world.session)
    with pytest.raises(DomainError) as refused:
        charge_meal(world.session, world.actor(), rules, uid=uid)
    world.session.rollback()
    assert refused.value.code == code
    assert _counts(world.session) == before
