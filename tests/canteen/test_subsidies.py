"""Subsidy batches: recipients by department and category, spent first, expiring oldest first."""
from datetime import timedelta

import pytest

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.models import utcnow
from canteen.services.common import Actor
from canteen.services.meals import charge_meal
from canteen.services.subsidies import due_batches, expire_subsidy, issue_subsidy
from canteen.services.verify import verify_ledger


def _later(world, actor, days):
    return Actor(key=actor.key, operator=actor.operator, at=utcnow() + timedelta(days=days))


def test_a_batch_reaches_only_the_chosen_departments_and_categories(world):
    finance, office = world.department("财政局"), world.department("办公室")
    staff, contract = world.category("staff"), world.category("contract")
    a, _ = world.diner(department=finance, category=staff)
    b, _ = world.diner(department=finance, category=contract)
    c, _ = world.diner(department=office, category=staff)
    manager = world.operator("manager")
    batch, booked = issue_subsidy(world.session, world.actor(manager), world.rules, title="节日补贴",
                                  amount_each=2000, department_ids=[finance.id], category_ids=[staff.id])
    world.session.commit()
    assert batch.people_count == 1 and booked.entry.amount == 2000
    credited = {p.account_id: p.amount for p in booked.entry.postings if p.amount > 0}
    assert len(credited) == 1 and list(credited.values()) == [2000]


def test_expiry_returns_only_what_is_left_of_the_expired_batch(world):
    world.all_day_meal(price=800)
    dept = world.department("发改委")
    person, card = world.diner(cash=0, department=dept)
    manager = world.operator("manager")
    today = business_date(utcnow(), world.rules.timezone)
    old, _ = issue_subsidy(world.session, world.actor(manager), world.rules, title="十月餐补", amount_each=1000,
                           department_ids=[dept.id], expires_on=today + timedelta(days=1), expiry_rule="zero")
    world.session.commit()
    charge_meal(world.session, world.actor(), world.rules, uid=card.uid)  # spends 800 of October's 1000
    issue_subsidy(world.session, world.actor(manager), world.rules, title="十一月餐补", amount_each=1500,
                  department_ids=[dept.id], expiry_rule="carry")
    world.session.commit()
    with pytest.raises(DomainError, match="subsidy_not_expirable"):
        expire_subsidy(world.session, world.actor(manager), world.rules, batch_id=old.id)
    world.session.rollback()
    later = _later(world, world.actor(manager), 2)
    assert [b.id for b in due_batches(world.session, business_date(later.at, world.rules.timezone))] == [old.id]
    booked = expire_subsidy(world.session, later, world.rules, batch_id=old.id)
    world.session.commit()
    assert booked.entry.amount == 200  # 1000 granted, 800 spent first (oldest first); November's stays
    with pytest.raises(DomainError, match="subsidy_not_expirable"):
        expire_subsidy(world.session, _later(world, world.actor(manager), 2), world.rules, batch_id=old.id)
    world.session.rollback()
    assert verify_ledger(world.session).ok


def test_subsidy_bad_input_is_refused(world):
    manager, cashier = world.operator("manager"), world.operator("cashier")
    dept = world.department("空部门")
    today = business_date(utcnow(), world.rules.timezone)
    cases = [
        (cashier, dict(amount_each=100), "forbidden"),
        (manager, dict(amount_each=0), "invalid_amount"),
        (manager, dict(amount_each=10**10), "invalid_amount"),
        (manager, dict(amount_each=100, department_ids=[dept.id]), "no_recipients"),
        (manager, dict(amount_each=100, expiry_rule="zero", expires_on=today), "invalid_date"),
        (manager, dict(amount_each=100, department_ids=["1"]), "invalid_input"),
    ]
    world.diner()
    for who, kwargs, code in cases:
        with pytest.raises(DomainError) as refused:
            issue_subsidy(world.session, world.actor(who), world.rules, title="x", **kwargs)
        world.session.rollback()
        assert refused.value.code == code
