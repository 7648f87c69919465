"""Guest meals (接待用餐): request, four-eyes approval, signed tickets accepted once, charged to the department."""
import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Account, JournalEntry, MealPeriod, Posting
from canteen.models.guest_meals import GuestTicketRedemption
from canteen.services.common import Actor
from canteen.services.guest_meals import (
    approve_guest_request,
    cancel_guest_request,
    department_balances,
    redeem_guest_ticket,
    request_guest_meals,
    ticket_code,
)
from canteen.services.verify import verify_ledger

SECRET = "test-secret"  # the app fixture's SECRET_KEY
TZ = ZoneInfo("Asia/Shanghai")


def at(day_offset: int = 0, hour: int = 12):
    """An instant today (or `day_offset` days away) at `hour` local time: lunch by default."""
    today = datetime.now(TZ).date() + timedelta(days=day_offset)
    return datetime(today.year, today.month, today.day, hour, 0, tzinfo=TZ)


def period(code: str) -> MealPeriod:
    return db.session.scalar(select(MealPeriod).where(MealPeriod.code == code))


def approved(world, *, guests=2, day_offset=0, meal="lunch", department=None, when=None):
    """A request by one manager approved by another; returns (request, department)."""
    department = department or world.department()
    asker, approver = world.operator("manager"), world.operator("manager")
    moment = when or at(0, 8)
    request = request_guest_meals(
        db.session, Actor(key="k", operator=asker, at=moment), world.rules, department_id=department.id,
        day=(moment + timedelta(days=day_offset)).date(), meal_period_id=period(meal).id if isinstance(meal, str)
        else meal.id, guests=guests, purpose="上级检查", contact="李主任 13800000000")
    approve_guest_request(db.session, Actor(key="k2", operator=approver, at=moment), world.rules,
                          request_id=request.id)
    db.session.commit()
    return request, department


def redeem(world, terminal, code, when=None):
    actor = Actor(key=f"t:{uuid.uuid4().hex}", terminal=terminal, at=when or at())
    try:
        meal = redeem_guest_ticket(db.session, actor, world.rules, code=code, secret=SECRET)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return meal


def ledger_state():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(JournalEntry)),
            db.session.scalar(select(func.count()).select_from(GuestTicketRedemption)),
            sorted(db.session.execute(select(Account.id, Account.balance)).all()))


def test_a_ticket_is_accepted_once_and_charges_the_department(world):
    request, department = approved(world, guests=3)
    terminal, _ = world.terminal()
    assert len(request.tickets) == 3 and request.price_each == 2000  # the guest price of lunch
    meal = redeem(world, terminal, ticket_code(request.tickets[0], SECRET))
    assert meal.amount == 2000 and meal.department_owes == 2000 and meal.department.id == department.id
    assert meal.entry.kind == "guest_meal" and meal.entry.person_id is None
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        redeem(world, terminal, ticket_code(request.tickets[0], SECRET), when=at() + timedelta(minutes=1))
    assert refused.value.code == "ticket_used"
    assert ledger_state() == before
    redeem(world, terminal, ticket_code(request.tickets[1], SECRET))
    [line] = department_balances(db.session)
    assert line.department.id == department.id and line.owes == line.posted == 4000 and line.meals == 2
    assert verify_ledger(db.session).ok


@pytest.mark.parametrize("forge", [
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # signature altered
    lambda code: code.replace("GT1-", "GT1-9", 1),                 # another ticket id, same signature
    lambda code: "GT1-1-" + "A" * 24,                               # made up
    lambda code: "hello",
])
def test_a_forged_ticket_is_refused_and_nothing_changes(world, forge):
    request, _ = approved(world)
    terminal, _ = world.terminal()
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        redeem(world, terminal, forge(ticket_code(request.tickets[0], SECRET)))
    assert refused.value.code == "ticket_unknown"
    assert ledger_state() == before


def test_a_ticket_signed_with_another_secret_is_unknown(world):
    request, _ = approved(world)
    terminal, _ = world.terminal()
    with pytest.raises(DomainError) as refused:
        redeem(world, terminal, ticket_code(request.tickets[0], "another-server-secret"))
    assert refused.value.code == "ticket_unknown"


def test_a_ticket_is_good_only_on_its_day_and_meal(world):
    request, _ = approved(world, day_offset=1)
    terminal, _ = world.terminal()
    code = ticket_code(request.tickets[0], SECRET)
    before = ledger_state()
    for when, reason in ((at(0), "ticket_wrong_day"), (at(1, 8), "ticket_wrong_meal"), (at(2), "ticket_expired")):
        with pytest.raises(DomainError) as refused:
            redeem(world, terminal, code, when=when)
        assert refused.value.code == reason
    assert ledger_state() == before
    assert redeem(world, terminal, code, when=at(1)).meal_period.code == "lunch"


def test_a_withdrawn_request_refuses_its_unused_tickets(world):
    request, _ = approved(world, guests=2)
    terminal, _ = world.terminal()
    redeem(world, terminal, ticket_code(request.tickets[0], SECRET))
    cancel_guest_request(db.session, Actor(key="c", operator=world.operator("admin")), world.rules,
                         request_id=request.id)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        redeem(world, terminal, ticket_code(request.tickets[1], SECRET))
    assert refused.value.code == "ticket_not_approved"
    assert verify_ledger(db.session).ok


def test_the_requester_cannot_approve_their_own_request(world):
    manager = world.operator("manager")
    request = request_guest_meals(db.session, Actor(key="k", operator=manager, at=at(0, 8)), world.rules,
                                  department_id=world.department().id, day=at().date(),
                                  meal_period_id=period("lunch").id, guests=1, purpose="交流", contact="王")
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        approve_guest_request(db.session, Actor(key="k", operator=manager, at=at(0, 8)), world.rules,
                              request_id=request.id)
    assert refused.value.code == "guest_self_approval"
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        request_guest_meals(db.session, Actor(key="k", operator=world.operator("cashier")), world.rules,
                            department_id=world.department().id, day=at().date(), meal_period_id=period("lunch").id,
                            guests=1, purpose="交流", contact="王")
    assert refused.value.code == "forbidden"


def test_the_database_refuses_a_second_redemption_of_a_ticket(world):
    request, _ = approved(world)
    terminal, _ = world.terminal()
    meal = redeem(world, terminal, ticket_code(request.tickets[0], SECRET))
    db.session.add(GuestTicketRedemption(ticket_id=request.tickets[0].id, entry_id=meal.entry.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_api_accepts_a_ticket_once_and_replays_a_retry(world, client):
    world.all_day_meal(price=1500)
    request, department = approved(world, meal=period_all_day(), when=datetime.now(TZ))
    terminal, key = world.terminal()
    code = ticket_code(request.tickets[0], SECRET)
    headers = world.headers(terminal, key)
    first = client.post("/api/v1/guest-tickets/redeem", json={"code": code}, headers=headers)
    assert first.status_code == 200 and first.json["department"] == department.name
    assert first.json["amount"] == 1500 and first.json["ticket"] == {
        "id": request.tickets[0].id, "number": 1, "of": 2, "request_id": request.id}
    retry = client.post("/api/v1/guest-tickets/redeem", json={"code": code}, headers=headers)
    assert retry.json == first.json and retry.headers["Idempotent-Replayed"] == "true"
    again = client.post("/api/v1/guest-tickets/redeem", json={"code": code}, headers=world.headers(terminal, key))
    assert again.status_code == 409 and again.json["error"]["code"] == "ticket_used"
    forged = client.post("/api/v1/guest-tickets/redeem", json={"code": code[:-2] + "ZZ"},
                         headers=world.headers(terminal, key))
    assert forged.status_code == 404 and forged.json["error"]["code"] == "ticket_unknown"
    anonymous = client.post("/api/v1/guest-tickets/redeem", json={"code": code}, headers=world.headers())
    assert anonymous.status_code == 401


def period_all_day() -> MealPeriod:
    return db.session.scalar(select(MealPeriod).where(MealPeriod.active.is_(True)))


def test_two_terminals_racing_with_one_ticket_book_one_meal(world, live_server):
    world.all_day_meal(price=1500)
    request, department = approved(world, meal=period_all_day(), when=datetime.now(TZ))
    code = ticket_code(request.tickets[0], SECRET)
    tills = [(terminal.code, key) for terminal, key in (world.terminal() for _ in range(2))]
    db.session.commit()  # the test's own session must not hold SQLite's write lock meanwhile
    barrier, results = threading.Barrier(2), [None, None]

    def scan(i):
        terminal_code, key = tills[i]
        with requests.Session() as http:
            barrier.wait()
            r = http.post(f"{live_server}/api/v1/guest-tickets/redeem", json={"code": code}, timeout=60,
                          headers={"X-Terminal-Id": terminal_code, "X-Terminal-Key": key,
                                   "Idempotency-Key": f"race-{i}"})
            results[i] = (r.status_code, r.json())

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409]
    assert [body["error"]["code"] for status, body in results if status == 409] == ["ticket_used"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == "guest_meal")) == 1
    account = db.session.scalar(select(Account).where(Account.code == f"dept:{department.id}"))
    assert account.balance == -1500 == db.session.scalar(
        select(func.sum(Posting.amount)).where(Posting.account_id == account.id))
    assert verify_ledger(db.session).ok


def test_guest_meals_leave_personal_consumption_and_the_diners_reports_as_the_journal_says(world):
    from canteen.reports.base import Filters
    from canteen.reports.consumption import consumption_summary
    from canteen.reports.headcount import headcount
    from canteen.services.forecasts import daily_counts

    request, _ = approved(world, guests=2)
    terminal, _ = world.terminal()
    _, card = world.diner(cash=10_000)
    diner = Actor(key="t:diner", terminal=terminal, at=at())
    from canteen.services.meals import charge_meal
    charge_meal(db.session, diner, world.rules, uid=card.uid)
    db.session.commit()
    redeem(world, terminal, ticket_code(request.tickets[0], SECRET))
    redeem(world, terminal, ticket_code(request.tickets[1], SECRET))
    day = at().date()
    filters = Filters(start=day, end=day)
    assert consumption_summary(db.session, filters).totals["meals"] == 1  # 个人消费: the diner's meal only
    report = headcount(db.session, filters)
    assert report.totals["visits"] == 1 and report.totals["guests"] == 2  # diners, and guests in their own column
    assert [row["guests"] for row in report.rows] == [2]
    by_department = Filters(start=day, end=day, department_ids=[world.department().id])
    assert headcount(db.session, by_department).totals["guests"] is None  # guests have no department of diners
    assert daily_counts(db.session, day, day) == {(day, period("lunch").id): 3}  # the kitchen counts guests too
    assert verify_ledger(db.session).ok
