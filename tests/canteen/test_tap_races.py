"""A tap's answer is what the journal says, whatever raced it: subsidy grants, top-ups, refunds and expiries
booked on the same person while the tap was between reading the wallets and writing its entry.

The check is a replay: walk the person's postings in entry order, and at each meal the split (subsidy first,
then cash) and the balances it leaves must be the tap's answer."""
import random
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.extensions import db
from canteen.models import Account, Card, JournalEntry, Operator, Person, Posting
from canteen.models.base import utcnow
from canteen.rules.wallet_split import split_meal
from canteen.services import meals
from canteen.services.refunds import refund
from canteen.services.subsidies import expire_subsidy, issue_subsidy
from canteen.services.topup import top_up
from canteen.services.verify import verify_ledger
from tests.canteen.lane_taps import lane_tap, terminal_headers


def _diner(world, cash: int):
    """A diner alone in their department (so a subsidy batch reaches only them), a meal open all day at 7 yuan."""
    free = world.unlimited_category()
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    department = world.department()
    person, card = world.diner(cash=cash, category=free, department=department)
    manager = world.operator("manager")
    ids = (person.id, card.uid, department.id, terminal.code, key, manager.id)
    db.session.commit()
    return ids


def _grant(world, manager_id: int, department_id: int, fen: int, **batch) -> int:
    with Session(db.engine) as other:
        batch_row, _ = issue_subsidy(other, world.actor(other.get(Operator, manager_id)), world.rules,
                                     title="餐补", amount_each=fen, department_ids=[department_id], **batch)
        other.commit()
        return batch_row.id


def _between_read_and_write(monkeypatch, change) -> None:
    """Run `change()` (committed in its own session) right after the first tap reads the card."""
    read, reads = meals._holder, []

    def read_then_change(conn, uid, **how):
        holder = read(conn, uid, **how)
        reads.append(how)
        if len(reads) == 1:
            change()
        return holder

    monkeypatch.setattr(meals, "_holder", read_then_change)


def replayed_meals(person_id: int) -> dict[int, dict]:
    """{meal entry id: what a one-at-a-time replay of the journal in entry order says the tap booked and left}."""
    db.session.rollback()
    wallets = dict(db.session.execute(select(Account.id, Account.kind).where(
        Account.person_id == person_id, Account.kind.in_(("cash", "subsidy")))).all())
    rows = db.session.execute(
        select(JournalEntry.id, JournalEntry.kind, JournalEntry.amount, Posting.account_id, Posting.amount)
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .where(Posting.account_id.in_(list(wallets))).order_by(JournalEntry.id, Posting.account_id)).all()
    entries: dict[int, dict] = {}
    for entry_id, kind, amount, account_id, fen in rows:
        entries.setdefault(entry_id, {"kind": kind, "amount": amount, "legs": {}})["legs"][wallets[account_id]] = fen
    balance, out = {"cash": 0, "subsidy": 0}, {}
    for entry_id, entry in sorted(entries.items()):
        if entry["kind"] == "meal":
            from_subsidy, from_cash, short = split_meal(entry["amount"], balance["subsidy"], balance["cash"])
            assert short == 0
            assert entry["legs"].get("subsidy", 0) == -from_subsidy and entry["legs"].get("cash", 0) == -from_cash
        for kind, fen in entry["legs"].items():
            balance[kind] += fen
        if entry["kind"] == "meal":
            out[entry_id] = {"from_subsidy": from_subsidy, "from_cash": from_cash,
                             "cash_left": balance["cash"], "subsidy_left": balance["subsidy"]}
    return out


def _answered(body: dict) -> dict:
    return {k: body[k] for k in ("from_subsidy", "from_cash", "cash_left", "subsidy_left")}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite's writer lock: no "between"
def test_a_subsidy_granted_between_read_and_write_is_spent_first(app, world, monkeypatch):
    person_id, uid, department_id, code, key, manager_id = _diner(world, cash=5000)
    _between_read_and_write(monkeypatch, lambda: _grant(world, manager_id, department_id, 500))
    status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert status == "200 OK"
    assert _answered(body) == {"from_subsidy": 500, "from_cash": 200, "cash_left": 4800, "subsidy_left": 0}
    assert replayed_meals(person_id)[body["entry"]["id"]] == _answered(body)
    assert verify_ledger(db.session).ok


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_top_up_between_read_and_write_shows_in_the_cash_left(app, world, monkeypatch):
    person_id, uid, department_id, code, key, manager_id = _diner(world, cash=3000)
    _grant(world, manager_id, department_id, 5000)
    cashier_id = world.cashier().id
    db.session.commit()

    def top_up_elsewhere():
        with Session(db.engine) as other:
            top_up(other, world.actor(other.get(Operator, cashier_id)), world.rules,
                   person=other.get(Person, person_id), amount=3000, method="wechat")
            other.commit()

    _between_read_and_write(monkeypatch, top_up_elsewhere)
    status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert status == "200 OK"
    assert _answered(body) == {"from_subsidy": 700, "from_cash": 0, "cash_left": 6000, "subsidy_left": 4300}
    assert replayed_meals(person_id)[body["entry"]["id"]] == _answered(body)


def test_taps_racing_grants_top_ups_refunds_and_expiries_answer_what_entry_order_gives(app, world):
    person_id, uid, department_id, code, key, manager_id = _diner(world, cash=40000)
    expiring = _grant(world, manager_id, department_id, 900, expiry_rule="zero",
                      expires_on=date.today() + timedelta(days=2))
    cashier_id = world.cashier().id
    db.session.commit()  # and no ORM object of this session is touched by the threads below
    answers: list[dict] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def tapper():
        try:
            for _ in range(12):
                status, body = lane_tap(app, terminal_headers(code, key), uid, multithread=True)
                if status == "200 OK":
                    answers.append(body)
                else:
                    assert body["error"]["code"] == "insufficient_balance", body
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            errors.append(exc)

    def booker():
        rng = random.Random(7)
        try:
            with app.app_context(), Session(db.engine) as other:
                for i in range(18):
                    what = ("grant", "top_up", "refund", "expire")[i % 4]
                    if what == "grant":
                        _grant(world, manager_id, department_id, rng.choice((300, 500, 800)))
                    elif what == "top_up":
                        top_up(other, world.actor(other.get(Operator, cashier_id)), world.rules,
                               person=other.get(Person, person_id), amount=rng.choice((200, 1000)), method="wechat")
                    elif what == "refund":
                        meal = other.scalar(select(JournalEntry.id).where(
                            JournalEntry.person_id == person_id, JournalEntry.kind == "meal")
                            .order_by(JournalEntry.id.desc()).limit(1))
                        if meal is not None:
                            refund(other, world.actor(other.get(Operator, cashier_id)), world.rules,
                                   original_id=meal, amount=100)  # 1 yuan of a 7-yuan meal: never exceeds it
                    elif i == 11:
                        later = world.actor(other.get(Operator, manager_id))
                        later.at = utcnow() + timedelta(days=3)
                        expire_subsidy(other, later, world.rules, batch_id=expiring)
                    other.commit()
                    if stop.is_set():
                        return
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=tapper) for _ in range(3)] + [threading.Thread(target=booker)]
    for t in threads:
        t.start()
    for t in threads[:3]:
        t.join(180)
    stop.set()
    threads[3].join(180)
    assert not errors, errors
    replay = replayed_meals(person_id)
    assert len(answers) == 36 and len(replay) == 36
    for body in answers:
        assert _answered(body) == replay[body["entry"]["id"]], body["entry"]["id"]
    db.session.rollback()
    assert db.session.scalar(select(Card.state).where(Card.uid == uid)) == "active"
    assert verify_ledger(db.session).ok
