"""The demo canteen: built through the services, the shape a newcomer expects, and a ledger that proves itself."""
import random
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from canteen.api.auth import key_hash
from canteen.clock import business_date, local
from canteen.demo import DEMO_PASSWORD, seed_demo
from canteen.demo.names import card_uid, roster
from canteen.extensions import db
from canteen.models import (
    Card,
    CardEvent,
    Department,
    DinerCategory,
    JournalEntry,
    MealPeriod,
    Operator,
    Person,
    Posting,
    RefundRequest,
    Shift,
    SubsidyBatch,
    Terminal,
    utcnow,
)
from canteen.services.common import Rules
from canteen.services.verify import verify_ledger
from tests.canteen.test_cli import invoke, lift_append_only

SMALL = {"people": 40, "days": 5}


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def entries(kind: str):
    return select(JournalEntry).where(JournalEntry.kind == kind)


def test_the_demo_has_departments_people_meals_at_three_periods_closed_shifts_and_logins(app):
    summary = seed_demo(db.session, **SMALL)
    assert "\n" not in summary and "40 people" in summary and DEMO_PASSWORD in summary
    assert count(select(Department)) >= 5
    assert count(select(Person)) == 40
    by_category = dict(db.session.execute(
        select(DinerCategory.code, func.count()).join(Person, Person.category_id == DinerCategory.id)
        .group_by(DinerCategory.code)).all())
    assert by_category["staff"] > by_category.get("contract", 0) and by_category["staff"] >= 20
    assert all(len(name) in (2, 3) for name in db.session.scalars(select(Person.name)))
    meals = dict(db.session.execute(
        select(MealPeriod.code, func.count()).join(JournalEntry, JournalEntry.meal_period_id == MealPeriod.id)
        .where(JournalEntry.kind == "meal").group_by(MealPeriod.code)).all())
    assert meals["lunch"] > meals["breakfast"] > 0 and meals["lunch"] > meals["dinner"] > 0
    tz = Rules.from_config(app.config).timezone
    lunch = [local(at, tz).time() for at in db.session.scalars(select(JournalEntry.created_dt).join(
        MealPeriod, MealPeriod.id == JournalEntry.meal_period_id).where(MealPeriod.code == "lunch"))]
    assert sum(time(11, 40) <= t <= time(12, 20) for t in lunch) > 0.6 * len(lunch)
    today = business_date(utcnow(), tz)
    days = db.session.scalars(select(JournalEntry.business_date).where(JournalEntry.kind == "meal").distinct()).all()
    # The history runs through today (today's events up to now; early in the morning nobody has eaten yet).
    assert max(days) in (today, today - timedelta(days=1)) and min(days) >= today - timedelta(days=SMALL["days"] - 1)
    assert verify_ledger(db.session).ok
    shifts = [s for s in db.session.scalars(select(Shift)) if local(s.opened_dt, tz).date() < today]
    assert shifts and all(s.closed_dt is not None and s.counted_cash is not None for s in shifts)
    assert all(abs(s.difference) <= 1_000 for s in shifts)
    assert {o.username: o.role for o in db.session.scalars(select(Operator))} == {
        "admin": "admin", "manager": "manager", "cashier1": "cashier", "cashier2": "cashier", "auditor": "auditor"}
    for operator in db.session.scalars(select(Operator)):
        assert check_password_hash(operator.password_hash, DEMO_PASSWORD)
    assert {t.code: t.key_hash for t in db.session.scalars(select(Terminal))} == {
        "T01": key_hash("demo-key-T01"), "T02": key_hash("demo-key-T02")}


def test_the_demo_has_top_ups_refunds_reissues_and_cancellations_and_is_not_seeded_twice(app):
    seed_demo(db.session, **SMALL)
    assert count(entries("card_issue")) == 40
    methods = set(db.session.scalars(select(JournalEntry.method).where(
        JournalEntry.kind.in_(("top_up", "card_issue"))).distinct()))
    assert {"cash", "wechat", "alipay"} <= methods
    assert count(entries("refund")) >= 2
    manager = db.session.scalar(select(Operator).where(Operator.username == "manager"))
    approved = db.session.scalars(select(RefundRequest)).one()
    assert approved.state == "approved" and approved.decided_by == manager.id != approved.requested_by
    assert approved.amount > Rules.from_config(app.config).refund_approval_fen
    booked = db.session.get(JournalEntry, approved.entry_id)
    assert (booked.approver_id, booked.operator_id) == (manager.id, approved.requested_by)
    assert count(select(Card).where(Card.replaces_id.is_not(None))) >= 1
    assert count(select(Card).where(Card.state == "replaced")) >= 1
    assert count(select(CardEvent).where(CardEvent.kind == "lost")) >= 2
    assert count(select(CardEvent).where(CardEvent.kind == "unfrozen")) == 1
    assert count(entries("card_fee")) >= 1
    cancelled = db.session.scalars(select(Person).where(Person.state == "cancelled")).all()
    assert cancelled and count(entries("cancel")) == len(cancelled)
    for person in cancelled:
        assert {c.state for c in db.session.scalars(select(Card).where(Card.person_id == person.id))} == {"cancelled"}
    assert count(select(SubsidyBatch)) >= 1 and count(entries("subsidy")) >= 1
    before = (count(select(Person)), count(select(JournalEntry)), count(select(Card)))
    assert seed_demo(db.session, **SMALL) == "demo data not added: the database already has 40 people"
    assert (count(select(Person)), count(select(JournalEntry)), count(select(Card))) == before


def test_the_demo_refuses_a_size_too_small_for_its_story(app):
    with pytest.raises(ValueError):
        seed_demo(db.session, people=5, days=5)
    assert count(select(Person)) == 0


def test_demo_command_seeds_then_ledger_verify_passes_and_catches_a_tampered_posting(app):
    result = invoke(app, "demo", "--no-serve", "--people", "30", "--days", "3")
    assert result.exit_code == 0, result.output
    assert "demo canteen ready" in result.stdout and "30 people" in result.stdout
    proof = invoke(app, "ledger", "verify")
    assert proof.exit_code == 0 and "ledger OK" in proof.stdout, proof.output
    assert invoke(app, "demo", "--no-serve").stdout.startswith("demo data not added")
    meal = db.session.scalars(entries("meal").order_by(JournalEntry.id.desc()).limit(1)).one()
    meal_id = meal.id
    posting_id = db.session.scalar(select(Posting.id).where(Posting.entry_id == meal_id, Posting.amount < 0))
    lift_append_only("posting")
    db.session.execute(text("UPDATE posting SET amount = amount - 1 WHERE id = :id"), {"id": posting_id})
    db.session.commit()
    tampered = invoke(app, "ledger", "verify")
    assert tampered.exit_code == 1
    assert tampered.stderr.splitlines()[0].startswith(f"FAIL: entry {meal_id}: postings sum to -1")


@pytest.mark.parametrize("args", [["--people", "3"], ["--days", "0"]])
def test_demo_command_refuses_sizes_too_small(app, args):
    result = invoke(app, "demo", "--no-serve", *args)
    assert result.exit_code == 2 and count(select(Person)) == 0


def test_the_roster_is_the_same_for_the_same_seed_with_unique_names_and_no_random_uids():
    first, second = roster(random.Random(7), 300), roster(random.Random(7), 300)
    assert [(d.name, d.department, d.category) for d in first] == [(d.name, d.department, d.category) for d in second]
    assert len({d.name for d in first}) == 300 and len({d.staff_no for d in first}) == 300
    used: set[str] = set()
    uids = [card_uid(random.Random(i), used) for i in range(200)]
    assert len(set(uids)) == 200 and not any(uid.startswith("08") for uid in uids)
