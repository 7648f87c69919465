"""A person's statement shows every posting on their accounts, subsidy grants and expiries included (entries that
move many people's wallets and name nobody), so its legs add up to the balances it shows: on the API, in the back
office's 个人对账单 and in the diner's own history."""
from datetime import timedelta

from canteen.clock import business_date
from canteen.models.base import utcnow
from canteen.reports import Filters
from canteen.reports.balances import statement
from canteen.reports.diner_history import history
from canteen.services.meals import charge_meal
from canteen.services.subsidies import expire_subsidy, issue_subsidy


def _diner_with_grants(world):
    """A diner with 50 yuan who got a subsidy, ate, and had a second (expiring) subsidy expire."""
    world.all_day_meal(price=700)
    department = world.department()
    person, card = world.diner(cash=5000, deposit=2000, department=department)
    manager = world.operator("manager")
    s, today = world.session, business_date(utcnow(), world.rules.timezone)
    issue_subsidy(s, world.actor(manager), world.rules, title="餐补", amount_each=600, department_ids=[department.id])
    s.commit()
    charge_meal(s, world.actor(), world.rules, uid=card.uid)
    s.commit()
    batch, _ = issue_subsidy(s, world.actor(manager), world.rules, title="节日补贴", amount_each=900,
                             department_ids=[department.id], expiry_rule="zero", expires_on=today + timedelta(days=1))
    s.commit()
    later = world.actor(manager)
    later.at = utcnow() + timedelta(days=2)
    expire_subsidy(s, later, world.rules, batch_id=batch.id)
    s.commit()
    return person, today


def test_the_api_statement_shows_grants_and_expiries_and_adds_up_to_the_balances(world, client):
    person, today = _diner_with_grants(world)
    headers = world.headers(operator=world.operator("cashier"), idem=None)
    body = client.get(f"/api/v1/people/{person.id}/statement", headers=headers).get_json()
    kinds = [e["kind"] for e in body["entries"]]
    assert kinds.count("subsidy") == 2 and "subsidy_expiry" in kinds
    moved = sum(sum(e["legs"].values()) for e in body["entries"])
    held = body["balances"]
    assert moved == held["cash"] + held["subsidy"] + held["deposit"] == 5000 + 2000 + 600 - 700


def test_the_back_office_statement_shows_grants_and_expiries_and_closes_at_the_balances(world):
    person, today = _diner_with_grants(world)
    report = statement(world.session, Filters(start=today - timedelta(days=1), end=today + timedelta(days=3),
                                               person_id=person.id))
    assert [r["kind"] for r in report.rows].count("补贴发放") == 2 or len(report.rows) == 5
    assert report.totals["opening"] == 0 and report.totals["closing"] == 5000 + 2000 + 600 - 700
    assert sum(r["subsidy"] for r in report.rows) == 0  # 600 + 900 granted, 600 eaten, 900 expired


def test_the_diners_own_history_shows_grants_and_expiries(world):
    person, today = _diner_with_grants(world)
    lines = history(world.session, person.id, today - timedelta(days=1), today + timedelta(days=3))
    assert [line.kind for line in lines].count("subsidy") == 2
    assert any(line.kind == "subsidy_expiry" and line.subsidy == -900 for line in lines)
    assert sum(line.cash + line.subsidy + line.deposit for line in lines) == 5000 + 2000 + 600 - 700
