"""Refunds above the threshold wait for a second operator; the database refuses self-approval too."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.services.meals import charge_meal
from canteen.services.refunds import decide_refund, refund
from canteen.services.verify import verify_ledger


@pytest.fixture
def big_meal(world):
    world.all_day_meal(price=9000)
    person, card = world.diner(cash=20_000)
    charge = charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.commit()
    return charge


def test_a_large_refund_is_booked_only_after_another_manager_approves(world, big_meal):
    cashier, manager = world.operator("cashier"), world.operator("manager")
    pending = refund(world.session, world.actor(cashier), world.rules, original_id=big_meal.entry.id, amount=9000,
                     reason="重复扣款")
    world.session.commit()
    assert pending.entry is None and pending.request.state == "pending"
    with pytest.raises(DomainError, match="forbidden"):
        decide_refund(world.session, world.actor(cashier), world.rules, request_id=pending.request.id, approve=True)
    world.session.rollback()
    done = decide_refund(world.session, world.actor(manager), world.rules, request_id=pending.request.id,
                         approve=True)
    world.session.commit()
    assert done.entry.amount == 9000 and done.entry.approver_id == manager.id
    assert done.entry.operator_id == cashier.id and done.cash_back == 9000
    with pytest.raises(DomainError, match="request_decided"):
        decide_refund(world.session, world.actor(manager), world.rules, request_id=pending.request.id,
                      approve=True)
    assert verify_ledger(world.session).ok


def test_a_manager_cannot_approve_their_own_refund(world, big_meal):
    manager = world.operator("manager")
    pending = refund(world.session, world.actor(manager), world.rules, original_id=big_meal.entry.id, amount=6000)
    world.session.commit()
    with pytest.raises(DomainError, match="self_approval"):
        decide_refund(world.session, world.actor(manager), world.rules, request_id=pending.request.id, approve=True)
    world.session.rollback()


def test_the_database_refuses_self_approval_whatever_the_code_does(world, big_meal):
    manager = world.operator("manager")
    pending = refund(world.session, world.actor(manager), world.rules, original_id=big_meal.entry.id, amount=6000)
    world.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE refund_request SET state = 'approved', decided_by = requested_by "
                                "WHERE id = :id"), {"id": pending.request.id})
        db.session.commit()
    db.session.rollback()


def test_a_rejected_request_books_nothing(world, big_meal):
    cashier, manager = world.operator("cashier"), world.operator("manager")
    pending = refund(world.session, world.actor(cashier), world.rules, original_id=big_meal.entry.id, amount=6000)
    world.session.commit()
    decided = decide_refund(world.session, world.actor(manager), world.rules, request_id=pending.request.id,
                            approve=False)
    world.session.commit()
    assert decided.entry is None and decided.request.state == "rejected"


def test_partial_refunds_add_up_to_the_charge_and_no_further(world, big_meal):
    cashier = world.operator("cashier")
    for amount in (3000, 3000, 3000):
        refund(world.session, world.actor(cashier), world.rules, original_id=big_meal.entry.id, amount=amount)
        world.session.commit()
    with pytest.raises(DomainError, match="refund_exceeds_original"):
        refund(world.session, world.actor(cashier), world.rules, original_id=big_meal.entry.id, amount=1)


def test_refund_approval_over_the_api_answers_202_then_201(world, client, big_meal):
    cashier, manager = world.operator("cashier"), world.operator("manager")
    r = client.post("/api/v1/refunds", json={"entry_id": big_meal.entry.id, "amount": 9000},
                    headers=world.headers(operator=cashier))
    assert r.status_code == 202 and r.json["error"]["code"] == "approval_required"
    request_id = r.json["request"]["id"]
    assert [q["id"] for q in client.get("/api/v1/refund-requests",
                                        headers=world.headers(operator=manager, idem=None)).json["requests"]] == [
        request_id]
    r = client.post(f"/api/v1/refund-requests/{request_id}/approve", headers=world.headers(operator=cashier))
    assert (r.status_code, r.json["error"]["code"]) == (403, "forbidden")
    r = client.post(f"/api/v1/refund-requests/{request_id}/approve", headers=world.headers(operator=manager))
    assert r.status_code == 201 and r.json["entry"]["amount"] == 9000


def test_the_database_files_each_refund_on_its_meals_day_terminal_and_meal_period(world, big_meal):
    """refund_meal (what consumption reads refunds from) is written by the database for every refund of a meal,
    whoever books it, and refuses to be changed, like the journal."""
    from canteen.models import RefundMeal

    cashier = world.operator("cashier")
    first = refund(world.session, world.actor(cashier), world.rules, original_id=big_meal.entry.id, amount=3000,
                   reason="少打一个菜").entry
    world.session.commit()
    filed = world.session.get(RefundMeal, first.id)
    meal = big_meal.entry
    assert (filed.meal_id, filed.business_date, filed.terminal_id, filed.meal_period_id) == \
        (meal.id, meal.business_date, meal.terminal_id, meal.meal_period_id)
    assert (filed.person_id, filed.amount, filed.operator_id) == (first.person_id, 3000, cashier.id)
    assert filed.created_dt == first.created_dt
    for statement in ("UPDATE refund_meal SET amount = 1", "DELETE FROM refund_meal"):
        with pytest.raises(Exception, match="append-only"):
            world.session.execute(text(statement))
        world.session.rollback()
    assert world.session.scalar(text("SELECT count(*) FROM refund_meal")) == 1
