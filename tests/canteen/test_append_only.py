"""The journal is append-only at the database: UPDATE and DELETE fail whatever the code does."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from canteen.extensions import db
from canteen.services.meals import charge_meal
from canteen.services.verify import verify_ledger


@pytest.fixture
def booked(world):
    world.all_day_meal(price=800)
    _, card = world.diner(cash=5000)
    charge = charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.commit()
    return charge.entry.id


@pytest.mark.parametrize("statement", [
    "UPDATE journal_entry SET amount = 1 WHERE id = :id",
    "UPDATE journal_entry SET memo = 'x' WHERE id = :id",
    "DELETE FROM journal_entry WHERE id = :id",
    "UPDATE posting SET amount = amount * 2 WHERE entry_id = :id",
    "DELETE FROM posting WHERE entry_id = :id",
])
def test_update_and_delete_on_journal_tables_fail_at_the_database(booked, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": booked})
        db.session.commit()
    db.session.rollback()
    assert verify_ledger(db.session).ok


def test_emptying_the_journal_wholesale_is_refused(booked):
    statement = "TRUNCATE posting CASCADE" if db.engine.dialect.name == "postgresql" else "DELETE FROM posting"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert verify_ledger(db.session).entries == 2


def test_an_unbalanced_entry_is_refused_at_commit_or_caught_by_verify(booked):
    forged = ("INSERT INTO journal_entry (id, kind, amount, created_dt, business_date, idempotency_key, "
              "prev_hash, hash) VALUES (3, 'top_up', 5, CURRENT_TIMESTAMP, CURRENT_DATE, 'forged', 'x', 'y')")
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(forged))
        with pytest.raises(DBAPIError, match="does not balance"):
            db.session.commit()
        db.session.rollback()
        assert verify_ledger(db.session).ok
        return
    # SQLite has no deferred constraints: the proof must name the forged entry instead.
    db.session.execute(text(forged))
    db.session.commit()
    problems = verify_ledger(db.session).problems
    assert problems and problems[0].startswith("entry 3:")
