"""An offline overdraft (the receivable) never vanishes: a refund repays it first, a cancellation deducts it
from the cash and deposit, and what they do not cover stays owed and listed with the offline exceptions."""
from datetime import timedelta

from sqlalchemy import select

from canteen.models import Account, JournalEntry, Person, utcnow
from canteen.reports.base import Filters
from canteen.reports.cards import card_report
from canteen.services.cancel import cancel_card, cancel_quote
from canteen.services.refunds import refund
from canteen.services.verify import verify_ledger
from tests.offline.kit import sealed

URL = "/api/v1/sync/offline-charges"


def _overdraw(world, client, amount, cash=0, deposit=0, seq=1, terminal=None):
    """A diner whose offline meal of `amount` went past `cash`; returns (person id, card, meal entry id, terminal)."""
    if terminal is None:
        world.all_day_meal(price=amount)
        terminal = world.terminal()
    code, key = terminal[0].code, terminal[1]
    person, card = world.diner(cash=cash, deposit=deposit)
    tapped = (utcnow() - timedelta(seconds=30)).isoformat()
    reply = client.post(URL, json={"items": [sealed(key, code, seq, card.uid, amount, tapped)]},
                        headers=world.headers(*terminal))
    (result,) = reply.json["results"]
    assert result["status"] == "booked" and "insufficient_balance" in result["flags"], result
    return person.id, card, result["entry_id"], terminal


def _balances(world, person_id):
    world.session.expire_all()
    wallets = {a.kind: a.balance for a in world.session.scalars(select(Account).where(Account.person_id == person_id))}
    receivable = world.session.scalar(select(Account.balance).where(Account.code == f"receivable:{person_id}"))
    return wallets["cash"], wallets["deposit"], receivable


def _cashier_actor(world):
    cashier = world.cashier()
    return world.actor(cashier)


def test_refunding_an_overdrawn_meal_repays_the_receivable_first(world, client):
    person_id, _, meal_id, _ = _overdraw(world, client, 1000, cash=400)
    assert _balances(world, person_id) == (0, 0, -600)
    part = refund(world.session, _cashier_actor(world), world.rules, original_id=meal_id, amount=500)
    world.session.commit()
    assert (part.cash_back, part.subsidy_back) == (0, 0)
    assert _balances(world, person_id) == (0, 0, -100)
    rest = refund(world.session, _cashier_actor(world), world.rules, original_id=meal_id, amount=500)
    world.session.commit()
    assert (rest.cash_back, rest.subsidy_back) == (400, 0)
    assert _balances(world, person_id) == (400, 0, 0)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems


def test_a_refund_never_exceeds_the_overdrawn_meal(world, client):
    from canteen.errors import DomainError

    person_id, _, meal_id, _ = _overdraw(world, client, 1000, cash=400)
    try:
        refund(world.session, _cashier_actor(world), world.rules, original_id=meal_id, amount=1001)
        raise AssertionError("refunded more than the meal")
    except DomainError as exc:
        assert exc.code == "refund_exceeds_original"
    world.session.rollback()
    assert _balances(world, person_id) == (0, 0, -600)


def test_cancelling_deducts_the_debt_from_cash_and_deposit(world, client):
    person_id, _, _, _ = _overdraw(world, client, 1000, cash=700, deposit=2000)
    assert _balances(world, person_id) == (0, 2000, -300)
    person = world.session.get(Person, person_id)
    quote = cancel_quote(world.session, person)
    assert (quote["owed"], quote["debt_settled"], quote["paid_out"], quote["debt_left"]) == (300, 300, 1700, 0)
    done = cancel_card(world.session, _cashier_actor(world), world.rules, person=person)
    world.session.commit()
    assert (done.total_paid, done.debt_settled, done.debt_left) == (1700, 300, 0)
    assert _balances(world, person_id) == (0, 0, 0)
    today = world.session.get(JournalEntry, done.entry.id).business_date
    (row,) = [r for r in card_report(world.session, Filters(start=today, end=today)).rows if r["kind"] == "清退"]
    assert (row["cash"], row["subsidy"]) == (1700, 0)  # the settled debt is neither cash paid out nor subsidy
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems


def test_a_debt_larger_than_cash_and_deposit_stays_owed_and_listed(world, client):
    person_id, _, _, _ = _overdraw(world, client, 1000, cash=0, deposit=300)
    person = world.session.get(Person, person_id)
    done = cancel_card(world.session, _cashier_actor(world), world.rules, person=person)
    world.session.commit()
    assert (done.total_paid, done.debt_settled, done.debt_left) == (0, 300, 700)
    assert _balances(world, person_id) == (0, 0, -700)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
    manager = world.operator("manager")
    listed = client.get("/api/v1/offline-exceptions", headers=world.headers(operator=manager, idem=None)).json
    assert [(o["person_id"], o["owed"], o["person_state"]) for o in listed["outstanding"]] == [
        (person_id, 700, "cancelled")]
    assert [(e["person_id"], e["overdraft"]) for e in listed["exceptions"]] == [(person_id, 1000)]


def test_an_offline_meal_arriving_after_the_cancellation_is_owed_and_flagged(world, client):
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    person, card = world.diner(cash=500)
    person_id, uid = person.id, card.uid
    cancel_card(world.session, _cashier_actor(world), world.rules, person=person)
    world.session.commit()
    tapped = (utcnow() - timedelta(minutes=1)).isoformat()
    reply = client.post(URL, json={"items": [sealed(key, terminal.code, 1, uid, 1000, tapped)]},
                        headers=world.headers(terminal, key))
    (result,) = reply.json["results"]
    assert result["status"] == "booked"
    assert set(result["flags"]) == {"card_cancelled", "person_cancelled", "insufficient_balance"}
    assert _balances(world, person_id) == (0, 0, -1000)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
