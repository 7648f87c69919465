"""The ``canteen`` commands: what they write on success, and one-line refusals that write nothing."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from canteen import create_app
from canteen.api.auth import key_hash
from canteen.extensions import db
from canteen.models import Account, DinerCategory, JournalEntry, Operator, Posting, SubsidyBatch, Terminal, utcnow
from canteen.services.common import Actor
from canteen.services.meals import charge_meal
from canteen.services.subsidies import issue_subsidy


def invoke(app, *args, **kwargs):
    """Run a command the way a shell would, after ending the test's own transaction."""
    db.session.rollback()
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def refused_in_one_line(result, code: int | None = None) -> bool:
    """A refusal: non-zero exit (or exactly `code`) and a single line on stderr."""
    lines = result.stderr.strip().splitlines()
    return result.exit_code != 0 and (code is None or result.exit_code == code) and len(lines) == 1


def lift_append_only(table: str) -> None:
    """Take the database's append-only guard off `table`, as an attacker with DDL rights could."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(f"DROP TRIGGER {table}_no_update"))
    else:
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def a_meal(world):
    """A small ledger: a diner with a card, a top-up and one meal; returns the meal entry."""
    world.all_day_meal(price=800)
    person, card = world.diner(cash=3000, deposit=2000)
    world.top_up(person, 5000)
    terminal, _ = world.terminal()
    entry = charge_meal(world.session, world.actor(terminal=terminal), world.rules, uid=card.uid).entry
    world.session.commit()
    return entry


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- init-db -----------------------------------------------------------------------------------------------

def test_init_db_on_a_new_database_creates_every_table_and_the_defaults(tmp_path):
    fresh = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "SECRET_KEY": "test"})
    result = fresh.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "database ready" in result.stdout and "(defaults added)" in result.stdout
    again = fresh.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0 and "(defaults added)" not in again.stdout
    with fresh.app_context():
        assert db.session.scalar(select(func.count()).select_from(DinerCategory)) == 3
        codes = set(db.session.scalars(select(Account.code)))  # the system accounts, and no one's wallets yet
        assert {"meal_revenue", "refunds", "fee_revenue", "subsidy_fund", "fuel_fund"} <= codes
        assert db.session.scalar(select(func.count()).select_from(Account).where(Account.person_id.is_not(None))) == 0
        db.session.remove()
        db.engine.dispose()


def test_init_db_on_an_unreachable_database_says_so_in_one_line():
    unreachable = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/canteen", "SECRET_KEY": "test"})
    result = unreachable.test_cli_runner().invoke(args=["init-db"])
    assert refused_in_one_line(result, 1), result.output
    assert "cannot create the database" in result.stderr and "Traceback" not in result.output
    with unreachable.app_context():
        db.engine.dispose()


# --- ledger verify -----------------------------------------------------------------------------------------

def test_ledger_verify_prints_the_proof_and_exits_0(app, world):
    a_meal(world)
    result = invoke(app, "ledger", "verify")
    assert result.exit_code == 0, result.output
    assert "entries: 3  postings: 7" in result.stdout
    assert "money in (fen):  card_issue=5000, top_up=5000" in result.stdout
    assert "held for diners (fen): 9200" in result.stdout
    assert "ledger OK" in result.stdout and result.stderr == ""


def test_ledger_verify_names_the_entry_whose_posting_was_altered(app, world):
    meal = a_meal(world)
    posting_id = db.session.scalar(select(Posting.id).where(Posting.entry_id == meal.id, Posting.amount > 0))
    lift_append_only("posting")
    db.session.execute(text("UPDATE posting SET amount = amount + 100 WHERE id = :id"), {"id": posting_id})
    db.session.commit()
    result = invoke(app, "ledger", "verify")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first == f"FAIL: entry {meal.id}: postings sum to 100 over 2 postings, not zero"
    assert "ledger OK" not in result.output


def test_ledger_verify_names_the_entry_whose_content_was_altered(app, world):
    meal = a_meal(world)
    lift_append_only("journal_entry")
    db.session.execute(text("UPDATE journal_entry SET memo = 'edited' WHERE id = :id"), {"id": meal.id})
    db.session.commit()
    result = invoke(app, "ledger", "verify")
    assert result.exit_code == 1
    assert f"FAIL: entry {meal.id}: hash chain broken" in result.stderr


def test_ledger_verify_names_the_account_whose_cached_balance_was_altered(app, world):
    meal = a_meal(world)
    wallet = db.session.scalar(select(Account).where(Account.person_id == meal.person_id, Account.kind == "cash"))
    wallet_id = wallet.id
    db.session.execute(text("UPDATE account SET balance = balance + 1 WHERE id = :id"), {"id": wallet_id})
    db.session.commit()
    result = invoke(app, "ledger", "verify")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"FAIL: account {wallet_id} (cash): cached balance 7201 but postings sum to 7200")


def test_ledger_verify_on_a_database_without_tables_refuses_in_one_line(tmp_path):
    empty = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "SECRET_KEY": "test"})
    result = empty.test_cli_runner().invoke(args=["ledger", "verify"])
    assert refused_in_one_line(result, 1), result.output
    assert "canteen init-db" in result.stderr
    with empty.app_context():
        db.engine.dispose()


# --- terminal add ------------------------------------------------------------------------------------------

def test_terminal_add_stores_only_the_hash_of_the_key_it_prints_once(app, client):
    result = invoke(app, "terminal", "add", "--code", "T09", "--name", "3号收银机", "--place", "二楼")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().rsplit(" ", 1)[1]
    terminal = db.session.scalar(select(Terminal).where(Terminal.code == "T09"))
    assert (terminal.name, terminal.place, terminal.key_hash) == ("3号收银机", "二楼", key_hash(key))
    assert key not in terminal.key_hash
    listed = invoke(app, "terminal", "list")
    assert listed.stdout.startswith("T09\t3号收银机\t二楼\tlast seen never\tactive")
    db.session.rollback()
    # The wrong key first: the fixture's app context, and so flask.g, outlives a test-client request.
    signed_in = {"X-Terminal-Id": "T09", "X-Terminal-Key": key}
    assert client.get("/api/v1/meal-periods", headers=signed_in | {"X-Terminal-Key": "wrong"}).status_code == 401
    assert client.get("/api/v1/meal-periods", headers=signed_in).status_code == 200


def test_terminal_add_with_a_chosen_key(app):
    result = invoke(app, "terminal", "add", "--code", "T01", "--name", "1号机", "--key", "demo-key-T01")
    assert result.exit_code == 0 and "demo-key-T01" in result.stdout
    assert db.session.scalar(select(Terminal.key_hash).where(Terminal.code == "T01")) == key_hash("demo-key-T01")


@pytest.mark.parametrize("args, code, message", [
    (["--code", "T01", "--name", "again"], 1, "terminal T01 already exists"),
    (["--code", "T 2", "--name", "x"], 2, "terminal code 'T 2' must be"),
    (["--code", "", "--name", "x"], 2, "terminal code '' must be"),
    (["--code", "T" * 33, "--name", "x"], 2, "must be 1-32"),
    (["--code", "T02", "--name", "  "], 2, "name must not be empty"),
    (["--code", "T02", "--name", "x", "--key", "short"], 2, "at least 12 characters"),
])
def test_terminal_add_refuses_bad_input_in_one_line_and_adds_nothing(app, world, args, code, message):
    world.terminal("T01")
    result = invoke(app, "terminal", "add", *args)
    assert refused_in_one_line(result, code), result.output
    assert message in result.stderr
    assert count(Terminal) == 1


# --- operator add ------------------------------------------------------------------------------------------

def test_operator_add_hashes_the_password_and_the_operator_can_sign_in(app, client):
    result = invoke(app, "operator", "add", "--username", "wangli", "--name", "王丽", "--role", "cashier",
                    "--password", "till-password-1")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "operator wangli (cashier) added"
    operator = db.session.scalar(select(Operator).where(Operator.username == "wangli"))
    assert (operator.name, operator.role, operator.active) == ("王丽", "cashier", True)
    assert "till-password-1" not in operator.password_hash
    assert check_password_hash(operator.password_hash, "till-password-1")
    db.session.rollback()
    login = client.post("/api/v1/auth/login", json={"username": "wangli", "password": "till-password-1"})
    assert login.status_code == 200 and login.json["operator"]["role"] == "cashier"
    assert "wangli\t王丽\tcashier\tactive" in invoke(app, "operator", "list").stdout


def test_operator_add_prompts_for_the_password_twice(app):
    result = invoke(app, "operator", "add", "--username", "li", "--name", "李主任", "--role", "manager",
                    input="manager-pass-9\nmanager-pass-9\n")
    assert result.exit_code == 0, result.output
    password_hash = db.session.scalar(select(Operator.password_hash).where(Operator.username == "li"))
    assert check_password_hash(password_hash, "manager-pass-9")


@pytest.mark.parametrize("args, code, message", [
    (["--username", "boss", "--name", "x", "--role", "boss", "--password", "long-enough"], 2,
     "unknown role 'boss': choose one of cashier, manager, admin, auditor"),
    (["--username", "new", "--name", "x", "--role", "cashier", "--password", "short"], 2,
     "password must have at least 8 characters"),
    (["--username", "taken", "--name", "x", "--role", "admin", "--password", "long-enough"], 1,
     "operator taken already exists"),
    (["--username", "has space", "--name", "x", "--role", "admin", "--password", "long-enough"], 2,
     "username 'has space' must be"),
    (["--username", "new", "--name", " ", "--role", "admin", "--password", "long-enough"], 2,
     "name must not be empty"),
])
def test_operator_add_refuses_bad_input_in_one_line_and_adds_nothing(app, world, args, code, message):
    world.operator("cashier", username="taken")
    result = invoke(app, "operator", "add", *args)
    assert refused_in_one_line(result, code), result.output
    assert message in result.stderr
    assert count(Operator) == 1


# --- subsidy expire-due ------------------------------------------------------------------------------------

def test_subsidy_expire_due_returns_what_is_left_of_an_expired_batch(app, world):
    world.all_day_meal(price=800)
    dept = world.department("财务科")
    person, card = world.diner(cash=1000, department=dept)
    manager = world.operator("manager", username="boss")
    then = utcnow() - timedelta(days=40)
    batch, _ = issue_subsidy(world.session, Actor(key=uuid.uuid4().hex, operator=manager, at=then), world.rules,
                             title="九月餐补", amount_each=2000, department_ids=[dept.id],
                             expires_on=(then + timedelta(days=5)).date(), expiry_rule="zero")
    charge_meal(world.session, Actor(key=uuid.uuid4().hex, at=then + timedelta(hours=1)), world.rules, uid=card.uid)
    world.session.commit()
    batch_id = batch.id
    result = invoke(app, "subsidy", "expire-due", "--operator", "boss")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"batch {batch_id} 九月餐补: returned 1200 fen"
    assert db.session.get(SubsidyBatch, batch_id).expired_dt is not None
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == "subsidy_expiry")) == 1
    assert invoke(app, "subsidy", "expire-due", "--operator", "boss").stdout == ""


def test_subsidy_expire_due_refuses_an_unknown_operator(app):
    result = invoke(app, "subsidy", "expire-due", "--operator", "nobody")
    assert refused_in_one_line(result, 2) and "no operator nobody" in result.stderr
