"""The tap's fast path: the terminals' fast lane answers like the route, caches never serve stale money
rules, the card is checked again after the wallet lock, and a deferred entry is never lost or half-written."""
import uuid

import pytest
import requests
from sqlalchemy import bindparam, func, select, update

from canteen.api import auth
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Account, Card, JournalEntry, MealPrice, Posting, Terminal
from canteen import direct
from canteen.ledger import session as ledger_session
from canteen.services import meals
from canteen.services.meals import charge_meal
from canteen.services.verify import verify_ledger


def _counts(session):
    return (session.scalar(select(func.count()).select_from(JournalEntry)),
            session.scalar(select(func.count()).select_from(Posting)))


def _lane(app):
    return app.extensions["tap_lane"]  # canteen.api.lane.TapLane, installed with the taps blueprint


def _comparable(body: dict) -> dict:
    """A tap's answer without what differs between two taps (entry id, time)."""
    entry = {k: v for k, v in body["entry"].items() if k not in ("id", "created_dt")}
    return dict(body, entry=entry)


@pytest.mark.parametrize("over", ["client", "http"])
def test_the_fast_lane_answers_a_tap_as_the_route_does(app, world, client, live_server, over):
    free = world.unlimited_category()
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    person, card = world.diner(cash=5000, category=free)
    uid, code = card.uid, terminal.code
    db.session.commit()  # and no ORM object is read again below: SQLite's write lock stays free for the server

    def tap(lane: bool):
        _lane(app).enabled = lane
        headers = {"X-Terminal-Id": code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex}
        if over == "client":
            r = client.post("/api/v1/taps", json={"uid": uid}, headers=headers)
            return r.status_code, r.headers, r.json
        r = requests.post(f"{live_server}/api/v1/taps", json={"uid": uid}, headers=headers, timeout=30)
        return r.status_code, r.headers, r.json()

    try:
        by_lane, by_route = tap(True), tap(False)
    finally:
        _lane(app).enabled = True
    assert by_lane[0] == by_route[0] == 200, (by_lane[2], by_route[2])
    assert by_lane[1]["Content-Type"] == by_route[1]["Content-Type"] == "application/json"
    assert "Idempotent-Replayed" not in by_lane[1]
    assert by_lane[2]["cash_left"] == 4300 and by_route[2]["cash_left"] == 3600
    assert _comparable(dict(by_lane[2], cash_left=0)) == _comparable(dict(by_route[2], cash_left=0))
    db.session.expire_all()
    assert verify_ledger(db.session).ok


@pytest.mark.parametrize("case", ["extra_field", "uid_not_text", "bad_key", "no_key", "wrong_terminal_key",
                                  "unknown_card", "form_body"])
def test_what_the_lane_does_not_serve_the_route_answers(app, world, client, case):
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000)
    body, headers = {"uid": card.uid}, world.headers(terminal, key, idem="same-key")
    if case == "extra_field":
        body["amount"] = 1
    elif case == "uid_not_text":
        body["uid"] = 12345678
    elif case == "bad_key":
        headers["Idempotency-Key"] = "no spaces allowed"
    elif case == "no_key":
        del headers["Idempotency-Key"]
    elif case == "wrong_terminal_key":
        headers["X-Terminal-Key"] = "wrong"
    elif case == "unknown_card":
        body["uid"] = "A9999999"
    answers = []
    for lane in (True, False):
        _lane(app).enabled = lane
        try:
            if case == "form_body":
                r = client.post("/api/v1/taps", data={"uid": card.uid}, headers=headers)
            else:
                r = client.post("/api/v1/taps", json=body, headers=headers)
        finally:
            _lane(app).enabled = True
        answers.append((r.status_code, r.json["error"]["code"]))
    assert answers[0] == answers[1] and answers[0][0] >= 400
    assert db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal")) == 0


def test_a_retried_tap_is_replayed_and_a_refused_one_stays_refused_over_http(world, live_server):
    free = world.unlimited_category()
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    person, card = world.diner(cash=1000, category=free)
    poor_person, poor_card = world.diner(cash=100, category=free)
    headers, uid, poor_uid = world.headers(terminal, key, idem="tap-1"), card.uid, poor_card.uid
    poor = world.headers(terminal, key, idem="tap-2")
    db.session.commit()
    first = requests.post(f"{live_server}/api/v1/taps", json={"uid": uid}, headers=headers, timeout=30)
    again = requests.post(f"{live_server}/api/v1/taps", json={"uid": uid}, headers=headers, timeout=30)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    other = requests.post(f"{live_server}/api/v1/taps", json={"uid": poor_uid}, headers=headers, timeout=30)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    refused = requests.post(f"{live_server}/api/v1/taps", json={"uid": poor_uid}, headers=poor, timeout=30)
    assert refused.status_code == 402
    world.top_up(poor_person, 5000)
    still = requests.post(f"{live_server}/api/v1/taps", json={"uid": poor_uid}, headers=poor, timeout=30)
    assert still.status_code == 402 and still.json() == refused.json()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal")) == 1


def test_a_price_change_or_a_closed_meal_is_seen_by_the_very_next_tap(world, client):
    free = world.unlimited_category()
    period = world.all_day_meal(price=700)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000, category=free)
    uid, code, period_id = card.uid, terminal.code, period.id

    def tap():
        headers = {"X-Terminal-Id": code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex}
        return client.post("/api/v1/taps", json={"uid": uid}, headers=headers)

    assert tap().json["amount"] == 700
    db.session.commit()
    with db.engine.connect() as other:  # another connection, as another server process would
        other.execute(update(MealPrice).where(MealPrice.meal_period_id == period_id).values(price=900))
        other.commit()
    assert tap().json["amount"] == 900
    period.active = False
    db.session.commit()
    closed = tap()
    assert closed.status_code == 409 and closed.json["error"]["code"] == "outside_meal_period"


def test_the_card_is_checked_again_once_the_wallets_are_locked(world, monkeypatch):
    world.all_day_meal(price=700)
    _, card = world.diner(cash=5000)
    card_id = card.id
    before = _counts(world.session)
    read = meals._holder

    def lost_while_waiting(conn, uid, **how):
        holder = read(conn, uid, **how)  # what the tap read; the card is then reported lost before its debit
        conn.execute(update(Card).where(Card.id == card_id).values(state="lost"))
        return holder

    monkeypatch.setattr(meals, "_holder", lost_while_waiting)
    with pytest.raises(DomainError) as refused:
        charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.rollback()
    assert refused.value.code == "card_lost"
    assert _counts(world.session) == before


def test_a_refusal_after_the_lock_names_the_card_state_first(world, monkeypatch):
    period = world.all_day_meal(price=700)
    _, card = world.diner(cash=100)  # too poor as well
    card_id = card.id
    read = meals._holder

    def lost_while_waiting(conn, uid, **how):
        holder = read(conn, uid, **how)
        conn.execute(update(Card).where(Card.id == card_id).values(state="lost"))
        return holder

    monkeypatch.setattr(meals, "_holder", lost_while_waiting)
    with pytest.raises(DomainError) as refused:
        charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.rollback()
    assert refused.value.code == "card_lost" and period.id


def test_a_deferred_entry_is_written_by_the_commit_and_dropped_by_a_rollback(world):
    world.all_day_meal(price=700)
    person, card = world.diner(cash=5000)
    session = world.session
    before = _counts(session)
    session.info[ledger_session.DEFER] = True
    try:
        charge_meal(session, world.actor(), world.rules, uid=card.uid)
    finally:
        session.info.pop(ledger_session.DEFER)
    assert ledger_session.PENDING in session.info
    session.rollback()
    assert ledger_session.PENDING not in session.info and _counts(session) == before
    session.info[ledger_session.DEFER] = True
    try:
        charge_meal(session, world.actor(), world.rules, uid=card.uid)
    finally:
        session.info.pop(ledger_session.DEFER)
    session.commit()
    assert _counts(session) == (before[0] + 1, before[1] + 2)
    assert verify_ledger(session).ok


def test_orm_objects_of_the_same_transaction_see_what_a_tap_moved(world):
    world.all_day_meal(price=700)
    person, card = world.diner(cash=5000)
    cashier = world.cashier()
    cash = world.session.scalar(select(Account).where(Account.person_id == person.id, Account.kind == "cash"))
    world.top_up(person, 1000)  # loads the chain head as an ORM object
    assert cash.balance == 6000
    charge_meal(world.session, world.actor(), world.rules, uid=card.uid)  # moves head and wallet in Core
    assert cash.balance == 5300
    from canteen.services.topup import top_up

    top_up(world.session, world.actor(cashier), world.rules, person=person, amount=500, method="wechat")
    world.session.commit()
    assert verify_ledger(world.session).ok


def test_a_deactivated_terminal_is_refused_once_the_cache_time_is_over(world, client, monkeypatch):
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000)
    monkeypatch.setattr(auth, "TERMINAL_CACHE_SECONDS", 0.0)
    tap = lambda: client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))  # noqa
    assert tap().status_code == 200
    db.session.execute(update(Terminal).where(Terminal.id == terminal.id).values(active=False))
    db.session.commit()
    refused = tap()
    assert refused.status_code == 401 and refused.json["error"]["code"] == "terminal_auth_failed"


def test_direct_statements_bind_only_their_parameters(app):
    stmt = direct.Direct(select(Card.id).where(Card.uid == bindparam("uid"), Card.state == "active").limit(1))
    with db.engine.connect() as conn:
        sql = stmt._form(conn.dialect)[0]
        assert "LIMIT 1" in sql and "'active'" in sql
        with pytest.raises(KeyError):
            stmt.first(conn, {})
        assert stmt.first(conn, {"uid": uuid.uuid4().hex[:8].upper()}) is None
