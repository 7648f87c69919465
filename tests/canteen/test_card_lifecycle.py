"""Issue, loss, unfreeze, reissue and cancellation (清退): the money stays with the person until paid out."""
import pytest

from canteen.errors import DomainError
from canteen.services.cancel import cancel_card, cancel_quote
from canteen.services.cards import reissue_card, report_loss, unfreeze
from canteen.services.meals import charge_meal
from canteen.services.shifts import close_shift, shift_report
from canteen.services.subsidies import issue_subsidy
from canteen.services.verify import verify_ledger
from tests.world import new_uid


def test_a_reissued_card_carries_the_balance_and_the_old_one_is_refused(world):
    world.all_day_meal(price=800)
    person, old = world.diner(cash=3000, deposit=2000)
    cashier = world.cashier()
    new = reissue_card(world.session, world.actor(cashier), world.rules, card=old, new_uid=new_uid(), fee=500).card
    world.session.commit()
    assert (old.state, new.state, new.deposit) == ("replaced", "active", 2000)
    with pytest.raises(DomainError, match="card_replaced"):
        charge_meal(world.session, world.actor(), world.rules, uid=old.uid)
    world.session.rollback()
    charge = charge_meal(world.session, world.actor(), world.rules, uid=new.uid)
    assert charge.cash_left == 2200  # the fee was paid in cash at the till, not from the wallet


def test_loss_then_unfreeze_makes_the_card_usable_again(world):
    world.all_day_meal(price=800)
    person, card = world.diner(cash=3000)
    cashier = world.cashier()
    report_loss(world.session, world.actor(cashier), card=card)
    world.session.commit()
    with pytest.raises(DomainError, match="card_lost"):
        charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.rollback()
    with pytest.raises(DomainError, match="card_lost"):
        report_loss(world.session, world.actor(cashier), card=card)
    unfreeze(world.session, world.actor(cashier), card=card)
    world.session.commit()
    assert charge_meal(world.session, world.actor(), world.rules, uid=card.uid).cash_left == 2200
    with pytest.raises(DomainError, match="card_not_lost"):
        unfreeze(world.session, world.actor(cashier), card=card)


def test_cancellation_pays_cash_and_deposit_from_the_shift_and_returns_subsidy(world):
    world.all_day_meal(price=800)
    department = world.department("后勤科")
    person, card = world.diner(cash=3000, deposit=2000, department=department)
    manager = world.operator("manager")
    issue_subsidy(world.session, world.actor(manager), world.rules, title="餐补", amount_each=1000,
                  department_ids=[department.id])
    world.session.commit()
    charge_meal(world.session, world.actor(), world.rules, uid=card.uid)  # 800 from subsidy
    cashier = world.operator("cashier")
    shift = world.shift_for(cashier, opening_float=10_000)
    assert cancel_quote(world.session, person) == {"cash": 3000, "deposit": 2000, "subsidy": 200, "owed": 0,
                                                   "debt_settled": 0, "paid_out": 5000, "debt_left": 0}
    done = cancel_card(world.session, world.actor(cashier), world.rules, person=person)
    world.session.commit()
    assert (done.cash_paid, done.deposit_paid, done.subsidy_returned, done.total_paid) == (3000, 2000, 200, 5000)
    assert card.state == "cancelled" and person.state == "cancelled"
    with pytest.raises(DomainError, match="card_cancelled"):
        charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.rollback()
    closed = close_shift(world.session, world.actor(cashier), world.rules, counted_cash=4_900)
    world.session.commit()
    assert (closed.expected_cash, closed.difference) == (5_000, -100)
    report = shift_report(world.session, closed)
    assert report["cash_out"] == 5000 and [(line["kind"], line["count"]) for line in report["lines"]] == [("cancel", 1)]
    assert verify_ledger(world.session).ok


def test_cancellation_needs_an_open_shift_and_an_active_person(world):
    person, card = world.diner(cash=3000)
    stranger = world.operator("cashier")
    with pytest.raises(DomainError, match="no_open_shift"):
        cancel_card(world.session, world.actor(stranger), world.rules, person=person)
    world.session.rollback()
    cashier = world.cashier()
    cancel_card(world.session, world.actor(cashier), world.rules, person=person)
    world.session.commit()
    with pytest.raises(DomainError, match="person_cancelled"):
        cancel_card(world.session, world.actor(cashier), world.rules, person=person)


def test_an_auditor_may_not_move_money(world):
    person, card = world.diner(cash=100)
    auditor = world.operator("auditor")
    with pytest.raises(DomainError, match="forbidden"):
        report_loss(world.session, world.actor(auditor), card=card)


def test_a_cancelled_card_joins_the_blacklist_terminals_poll(world):
    from canteen.services.blacklist import blacklist_version, changes_since

    person, card = world.diner(cash=100)
    version = blacklist_version(world.session)
    cancel_card(world.session, world.actor(world.cashier()), world.rules, person=person)
    world.session.commit()
    assert {"uid": card.uid, "state": "cancelled"}.items() <= changes_since(world.session, version)[-1].items()
    assert blacklist_version(world.session) > version
