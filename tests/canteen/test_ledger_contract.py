"""The ledger's contract: one list of entries, booked through every form of the one writer (immediately on the ORM
session, deferred to the commit with the request's record, optimistically in one statement, many at once), on
SQLite and on PostgreSQL, leaves byte for byte the same journal rows, postings, balances, chain head and hashes.

The list holds what the canteen books: a card issue with a deposit, top-ups, subsidy grants, meals split across
wallets, a refund, a card fee for a reissue, an offline replay that overdraws into the receivable, a subsidy
expiry, a cancellation paid from the drawer, and fuel-card top-ups and spends."""
import json
import os
import shutil
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from canteen import create_app
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.ledger.append import append, append_many
from canteen.ledger.entry import make_entry
from canteen.ledger.session import DEFER, CoreSession, flush_pending
from canteen.models import Account, IdempotencyRecord, JournalEntry, LedgerHead, OfflineCharge, OfflineException, Posting
from canteen.services.verify import verify_ledger
from tests.conftest import PG_ADMIN_URL, _pg, _pg_db
from tests.world import World

AT = datetime(2026, 11, 30, 4, 10, 0, 123456, tzinfo=timezone.utc)
DAY = date(2026, 11, 30)
MODES = ("orm", "deferred", "optimistic", "bulk")


def _seed(world: World) -> dict[str, int]:
    """People, a shift's drawer, a receivable and a fuel card, by the same services in every database: the same
    ids everywhere, and no entry yet."""
    staff = world.category()
    one, two = world.person(staff, name="王小明"), world.person(staff, name="李四")
    cashier = world.operator("cashier", username="contract-cashier")
    shift = world.shift_for(cashier)
    terminal, _ = world.terminal("T01")
    s = world.session
    extra = [Account(kind="clearing", code=f"receivable:{two.id}", balance=0),
             Account(kind="fuel_card", code="fuel_card:contract", balance=0),
             Account(kind="fuel_station", code="fuel_station:contract", balance=0)]
    s.add_all(extra)
    s.commit()
    codes = {a.code: a.id for a in s.scalars(select(Account).where(Account.code.is_not(None)))}
    wallets = {f"{n}.{a.kind}": a.id for n, person in (("one", one), ("two", two))
               for a in s.scalars(select(Account).where(Account.person_id == person.id))}
    ids = {**codes, **wallets, "drawer": codes[f"drawer:{shift.id}"], "shift": shift.id, "cashier": cashier.id,
           "terminal": terminal.id, "one": one.id, "two": two.id}
    s.commit()  # SQLite: no transaction of this session may hold the writer's lock while the forms book
    return ids


def _entries(a: dict[str, int]) -> list:
    """(kind, amount, [(account, fen)], refs) of the contract's entries, in order."""
    p = {k: a[k] for k in ("one.cash", "one.subsidy", "one.deposit", "two.cash", "two.subsidy", "two.deposit")}
    op = {"operator_id": a["cashier"]}
    return [
        ("card_issue", 15000, [(p["one.deposit"], 2000), (p["one.cash"], 13000), (a["drawer"], -15000)],
         dict(op, method="cash", person_id=a["one"], shift_id=a["shift"], memo="发卡 押金20元")),
        ("top_up", 5000, [(p["two.cash"], 5000), (a["clearing:wechat"], -5000)],
         dict(op, method="wechat", person_id=a["two"], memo='「充值」 "id":0, \\ \u2028 🍜')),
        ("subsidy", 1200, [(p["one.subsidy"], 600), (p["two.subsidy"], 600), (a["subsidy_fund"], -1200)],
         dict(op, method="fund", memo="十二月餐补")),
        ("meal", 700, [(p["one.subsidy"], -600), (p["one.cash"], -100), (a["meal_revenue"], 700)],
         dict(method="wallet", person_id=a["one"])),
        ("meal", 700, [(p["two.subsidy"], -600), (p["two.cash"], -100), (a["meal_revenue"], 700)],
         dict(method="wallet", person_id=a["two"])),
        ("refund", 300, [(p["one.cash"], 300), (a["refunds"], -300)],
         dict(op, method="wallet", person_id=a["one"], original_id=4, memo="菜品有误")),
        ("card_fee", 1000, [(p["one.cash"], -1000), (a["fee_revenue"], 1000)],
         dict(op, method="wallet", person_id=a["one"], memo="补卡工本费")),
        ("meal", 5000, [(p["two.cash"], -4900), (a["receivable:%d" % a["two"]], -100), (a["meal_revenue"], 5000)],
         dict(method="wallet", person_id=a["two"], memo="脱机 T01 #7")),
        ("cancel", 14200, [(p["one.cash"], -12200), (p["one.deposit"], -2000), (a["drawer"], 14200)],
         dict(op, method="cash", person_id=a["one"], shift_id=a["shift"])),
        ("fuel_top_up", 100000, [(a["fuel_fund"], -100000), (a["fuel_card:contract"], 100000)],
         dict(op, method="fund", memo="加油卡充值 皖A·12345")),
        ("fuel_spend", 35050, [(a["fuel_card:contract"], -35050), (a["fuel_station:contract"], 35050)],
         dict(op, method="wallet", memo="加油 皖A·12345 中石化城东站")),
    ]


GUARDED = ("cash", "subsidy", "deposit", "fuel_card")


def _made(a, spec, i: int, read=None):
    kind, amount, legs, refs = spec
    guarded = _guarded_accounts(a)
    return make_entry(kind, amount, [(acc, fen, acc in guarded) for acc, fen in legs], created_dt=AT,
                      business_date=DAY, idempotency_key=f"contract:{i}", read=read, **refs)


def _book(app, mode: str, a: dict) -> None:
    specs = _entries(a)
    if mode == "bulk":
        with Session(db.engine) as s:
            append_many(s, [_made(a, spec, i) for i, spec in enumerate(specs)])
            s.commit()
        return
    for i, spec in enumerate(specs):
        if mode == "orm":
            append(db.session, _made(a, spec, i))
            db.session.commit()
            continue
        with db.engine.connect() as conn:
            if mode == "optimistic":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            session = CoreSession(conn, optimistic=mode == "optimistic")
            wallets = [acc for acc, _ in spec[2] if acc in _guarded_accounts(a)]
            read = dict(conn.execute(select(Account.id, Account.balance).where(Account.id.in_(wallets))).all())
            session.info[DEFER] = True
            row = append(session, _made(a, spec, i, read=read if mode == "optimistic" else None)).row
            answer = {"entry": {"id": row.id, "amount": spec[1]}, "ok": True}
            flush_pending(session, {"key": f"contract:{i}", "fingerprint": "f" * 64, "status_code": 200,
                                    "response": json.dumps(answer), "created_dt": AT})
            session.commit()
            stored = conn.execute(select(IdempotencyRecord.response).where(IdempotencyRecord.key == f"contract:{i}"))
            assert json.loads(stored.scalar_one())["entry"]["id"] == i + 1


def _record_the_overdraft(a: dict) -> None:
    """What the offline sync writes beside the overdrawing replay (entry 8), so `ledger verify` can explain it."""
    s = db.session
    charge = OfflineCharge(terminal_id=a["terminal"], seq=7, uid="04A1B2C3D4E5F6", amount=5000, tapped_dt=AT,
                           received_dt=AT, mac="0" * 64, outcome="booked", entry_id=8, person_id=a["two"])
    s.add(charge)
    s.flush()
    s.add(OfflineException(offline_charge_id=charge.id, entry_id=8, terminal_id=a["terminal"], person_id=a["two"],
                           uid=charge.uid, amount=5000, overdraft=100, reason="insufficient_balance", tapped_dt=AT))
    s.commit()


def _guarded_accounts(a) -> set[int]:
    return {acc for name, acc in a.items() if isinstance(acc, int)
            and (name.split(".")[-1] in GUARDED or name.startswith("fuel_card:"))}


def _dump() -> dict:
    s = db.session
    s.rollback()
    entries = [{c: _plain(v) for c, v in row._mapping.items()}
               for row in s.execute(select(JournalEntry.__table__).order_by(JournalEntry.id))]
    postings = s.execute(select(Posting.entry_id, Posting.account_id, Posting.amount)
                         .order_by(Posting.entry_id, Posting.account_id)).all()
    balances = s.execute(select(Account.id, Account.balance).order_by(Account.id)).all()
    head = s.execute(select(LedgerHead.last_id, LedgerHead.last_hash, LedgerHead.prev_hash)).one()
    return {"entries": entries, "postings": [tuple(p) for p in postings], "balances": [tuple(b) for b in balances],
            "head": tuple(head)}


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    return value.isoformat() if isinstance(value, date) else value


def _fresh_database(kind: str, tmp_path, sqlite_template, request) -> tuple[str, callable]:
    if kind == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}", lambda: None
    template = request.getfixturevalue("pg_template")
    name = f"canteen_contract_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    return _pg_db(name), drop


def test_every_form_of_the_writer_books_the_same_rows_on_both_databases(tmp_path, sqlite_template, request):
    if not PG_ADMIN_URL:
        pytest.skip("needs PostgreSQL too")  # under CANTEEN_REQUIRE_SERVICES the suite runs with it
    dumps = {}
    for kind in ("sqlite", "postgresql"):
        for mode in MODES:
            if mode == "optimistic" and kind == "sqlite":
                continue
            url, drop = _fresh_database(kind, tmp_path, sqlite_template, request)
            app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True, "REDIS_URL": ""})
            try:
                with app.app_context():
                    accounts = _seed(World(app))
                    _book(app, mode, accounts)
                    _record_the_overdraft(accounts)
                    proof = verify_ledger(db.session)
                    assert proof.ok, (kind, mode, proof.problems)
                    dumps[(kind, mode)] = _dump()
                    db.session.remove()
                    db.engine.dispose()
            finally:
                drop()
    reference = dumps[("postgresql", "orm")]
    assert len(reference["entries"]) == 11 and reference["head"][0] == 11
    for where, dump in dumps.items():
        assert dump == reference, where


@pytest.mark.parametrize("bad, code", [
    (dict(legs=[(1, -700, True), (2, 600, False)]), "invalid_entry"),  # does not balance
    (dict(legs=[(1, -700, True)]), "invalid_entry"),  # one leg
    (dict(amount=7.5), "invalid_amount"),
    (dict(amount=True), "invalid_amount"),
    (dict(amount=10**40), "invalid_amount"),
    (dict(legs=[(1, -10**40, True), (2, 10**40, False)]), "invalid_amount"),
    (dict(legs=[(1, -700.0, True), (2, 700.0, False)]), "invalid_amount"),
    (dict(kind="adjustment"), "invalid_entry"),
    (dict(created_dt=datetime(2026, 11, 30, 12, 0)), "invalid_entry"),  # naive time
    (dict(memo="x" * 201), "invalid_entry"),
    (dict(memo="a\x00b"), "invalid_entry"),
    (dict(read={1: 500}), "insufficient_balance"),  # would take the wallet below zero
    (dict(read={3: 500}), "invalid_entry"),  # read other wallets than it moves
])
def test_the_writer_refuses_a_bad_entry_whoever_calls_it(bad, code):
    args = dict(kind="meal", amount=700, legs=[(1, -700, True), (2, 700, False)], created_dt=AT, business_date=DAY,
                idempotency_key="k")
    args.update(bad)
    with pytest.raises(DomainError) as refused:
        make_entry(args.pop("kind"), args.pop("amount"), args.pop("legs"), **args)
    assert refused.value.code == code


def test_a_person_leg_that_would_go_below_zero_writes_nothing(world):
    person = world.person()
    s = world.session
    wallets = {a.kind: a.id for a in s.scalars(select(Account).where(Account.person_id == person.id))}
    revenue = s.scalar(select(Account.id).where(Account.code == "meal_revenue"))
    before = _dump()
    with pytest.raises(DomainError) as refused:
        append(s, make_entry("meal", 700, [(wallets["cash"], -700, True), (revenue, 700, False)], created_dt=AT,
                             business_date=DAY, idempotency_key="overdraw"))
    assert refused.value.code == "insufficient_balance"
    s.rollback()
    with pytest.raises(DomainError):
        append_many(s, [make_entry("meal", 700, [(wallets["cash"], -700, True), (revenue, 700, False)],
                                   created_dt=AT, business_date=DAY, idempotency_key="overdraw-bulk")])
    s.rollback()
    assert _dump() == before
