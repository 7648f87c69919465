"""PostgreSQL's fast lane books a tap optimistically: it reads the card and wallets without a lock, then writes
the entry in one autocommitted statement that moves the wallets only if they still hold what was read. Whatever
changed in between (another tap, a loss), the statement keeps nothing and the route answers the tap from scratch."""
import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from canteen.api import lane
from canteen.extensions import db
from canteen.ledger.accounts import person_accounts, system_account_id
from canteen.ledger.append import append
from canteen.ledger.entry import make_entry
from canteen.ledger.session import DEFER, CoreSession, flush_pending
from canteen.models import Account, Card, JournalEntry, LedgerHead
from canteen.models.base import utcnow
from canteen.services import meals
from canteen.services.cards import report_loss
from canteen.services.meals import charge_meal
from canteen.services.verify import verify_ledger
from tests.canteen.lane_taps import diner_at_terminal, lane_tap, meal_count, terminal_headers

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _between_read_and_write(monkeypatch, change) -> list:
    """Run `change(uid)` (in its own session, committed) right after the first tap reads the card; returns how
    each read was made (``{"lock": False}``: the lane's optimistic read)."""
    read, reads = meals._holder, []

    def read_then_change(conn, uid, **how):
        holder = read(conn, uid, **how)
        reads.append(how)
        if len(reads) == 1:
            with Session(db.engine) as other:
                change(other, uid)
                other.commit()
        return holder

    monkeypatch.setattr(meals, "_holder", read_then_change)
    return reads


def _cash(uid: str) -> int:
    db.session.rollback()
    card = db.session.scalar(select(Card).where(Card.uid == uid))
    return person_accounts(db.session, card.person_id, lock=False)["cash"].balance


def test_a_tap_elsewhere_between_read_and_write_sends_the_tap_to_the_route(app, world, monkeypatch):
    uid, code, key = diner_at_terminal(world)

    def tap_at_another_terminal(other, uid):
        charge_meal(other, world.actor(), world.rules, uid=uid)

    reads = _between_read_and_write(monkeypatch, tap_at_another_terminal)
    status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert reads[0] == {"lock": False}  # the lane read first, optimistically
    assert status == "200 OK" and body["cash_left"] == 3600  # the route booked it after the other tap
    assert meal_count() == 2 and _cash(uid) == 3600
    assert verify_ledger(db.session).ok


def test_a_card_lost_between_read_and_write_is_refused(app, world, monkeypatch):
    uid, code, key = diner_at_terminal(world)

    def lose(other, uid):
        report_loss(other, world.actor(), card=other.scalar(select(Card).where(Card.uid == uid)))

    _between_read_and_write(monkeypatch, lose)
    status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert status.startswith("4") and body["error"]["code"] == "card_lost"
    assert meal_count() == 0 and _cash(uid) == 5000
    assert verify_ledger(db.session).ok


def test_the_write_keeps_nothing_when_one_of_its_wallets_changed(app, world):
    person, _ = world.diner(cash=5000)
    db.session.commit()
    wallets = person_accounts(db.session, person.id, lock=False)
    first, second = sorted((a.id, a.balance) for a in wallets.values() if a.kind in ("cash", "subsidy"))
    revenue = system_account_id(db.session, "meal_revenue")
    head_before = db.session.get(LedgerHead, 1).last_id
    entries_before = db.session.scalar(select(func.count()).select_from(JournalEntry))
    db.session.rollback()
    now = utcnow()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        session = CoreSession(conn, optimistic=True)
        session.info[DEFER] = True
        # The first wallet as read (its update applies), the second read wrong (its update changes nothing);
        # the one holding the 50 yuan pays 3 yuan, the other gets 1.
        fen = {acc: -300 if balance else 100 for acc, balance in (first, second)}
        append(session, make_entry(
            "meal", 200, [*((acc, f, True) for acc, f in fen.items()), (revenue, 200, False)], created_dt=now,
            business_date=now.date(), idempotency_key=uuid.uuid4().hex, person_id=person.id,
            read={first[0]: first[1], second[0]: second[1] + 1}))
        with pytest.raises(DBAPIError) as failed:
            flush_pending(session)
        assert failed.value.orig.sqlstate == "40001"
    db.session.expire_all()
    assert sorted((a.id, a.balance) for a in db.session.scalars(
        select(Account).where(Account.id.in_([first[0], second[0]])))) == [first, second]
    assert db.session.get(LedgerHead, 1).last_id == head_before
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == entries_before
    assert verify_ledger(db.session).ok


def test_an_optimistic_session_books_nothing_but_a_deferred_entry_of_balances_read(app, world):
    person, _ = world.diner(cash=5000)
    db.session.commit()
    cash = person_accounts(db.session, person.id, lock=False)["cash"]
    revenue = system_account_id(db.session, "meal_revenue")
    cash_id, balance = cash.id, cash.balance
    db.session.rollback()
    now = utcnow()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        session = CoreSession(conn, optimistic=True)
        def entry(**read):
            return make_entry("meal", 700, [(cash_id, -700, True), (revenue, 700, False)], created_dt=now,
                              business_date=now.date(), person_id=person.id, idempotency_key=uuid.uuid4().hex,
                              **read)

        with pytest.raises(RuntimeError):  # not deferred: its statements would commit one by one
            append(session, entry(read={cash_id: balance}))
        session.info[DEFER] = True
        with pytest.raises(RuntimeError):  # no balances read: nothing to check the write against
            append(session, entry())
    assert _cash_of(cash_id) == balance


def _cash_of(account_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Account, account_id).balance


def test_many_terminals_tapping_one_card_at_once_approve_exactly_what_it_holds(app, world):
    uid, code, key = diner_at_terminal(world)  # 5000 fen, 700 a meal: 7 meals
    results: list = [None] * 24
    barrier = threading.Barrier(24)

    def tap(i):
        barrier.wait()
        results[i] = lane_tap(app, terminal_headers(code, key), uid, multithread=True)

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    approved = [body for status, body in results if status == "200 OK"]
    refused = {body["error"]["code"] for status, body in results if status != "200 OK"}
    assert len(approved) == 7 and refused == {"insufficient_balance"}
    assert sorted(body["cash_left"] for body in approved) == [100, 800, 1500, 2200, 2900, 3600, 4300]
    assert meal_count() == 7 and _cash(uid) == 100
    assert verify_ledger(db.session).ok


def test_connections_the_lane_gives_back_to_the_pool_leave_autocommit_behind(app, world, monkeypatch):
    uid, code, key = diner_at_terminal(world)
    given, connect = [], lane.TapLane._connection

    def remember(self, environ):
        conn = connect(self, environ)
        given.append((conn, conn.connection.dbapi_connection))
        return conn

    monkeypatch.setattr(lane.TapLane, "_connection", remember)
    try:
        assert lane_tap(app, terminal_headers(code, key), uid, multithread=True)[0] == "200 OK"  # one per tap
        per_tap, per_tap_dbapi = given[0]
        assert per_tap.closed and per_tap_dbapi.autocommit is False
        assert lane_tap(app, terminal_headers(code, key), uid)[0] == "200 OK"  # kept between taps
        kept, kept_dbapi = given[1]
        assert not kept.closed and kept_dbapi.autocommit is True
    finally:
        app.extensions['tap_lane'].release()
    assert kept.closed and kept_dbapi.autocommit is False
    with db.engine.connect() as conn:  # what the pool hands out next books in transactions again
        assert conn.connection.dbapi_connection.autocommit is False
