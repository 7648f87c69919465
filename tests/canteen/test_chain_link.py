"""The chain's next link, made by the database in the tap's last statement (PostgreSQL) or here (SQLite): the
same hashes as the ledger's own, the entry's id in the stored and the live answer, and a chain head that
says which hash its last entry follows."""
import json
import uuid

from sqlalchemy import select, update

from canteen.api.taps import charge_dict
from canteen.ledger.accounts import person_accounts, system_account_id
from canteen.ledger.append import append
from canteen.ledger.chain import entry_hash
from canteen.ledger.entry import make_entry
from canteen.models import IdempotencyRecord, JournalEntry, LedgerHead, Posting
from canteen.models.base import utcnow
from canteen.services.idempotency import book_late
from canteen.services.meals import charge_meal
from canteen.services.verify import verify_ledger


def _last_entry(session) -> JournalEntry:
    return session.scalars(select(JournalEntry).order_by(JournalEntry.id.desc()).limit(1)).one()


def test_a_tap_booked_late_names_its_entry_in_the_live_and_the_stored_answer(world):
    world.all_day_meal(price=700)
    person, card = world.diner(cash=5000)
    session, actor = world.session, world.actor()
    status, body = book_late(session, actor.key, "tap:test", lambda: (
        200, charge_dict(charge_meal(session, actor, world.rules, uid=card.uid))))
    entry = _last_entry(session)
    stored = session.get(IdempotencyRecord, actor.key)
    assert status == 200 and body["entry"]["id"] == entry.id and entry.person_id == person.id
    assert json.loads(stored.response) == body
    head = session.get(LedgerHead, 1)
    assert (head.last_id, head.last_hash, head.prev_hash) == (entry.id, entry.hash, entry.prev_hash)
    assert verify_ledger(session).ok


def test_the_database_hashes_an_entry_as_the_ledger_does(world):
    person, card = world.diner(cash=5000)
    session = world.session
    cash = person_accounts(session, person.id)["cash"].id
    revenue = system_account_id(session, "meal_revenue")
    now = utcnow()
    booked = append(session, make_entry(
        "meal", 300, [(cash, -300, True), (revenue, 300, False)], method="wallet", created_dt=now,
        business_date=now.date(), idempotency_key=uuid.uuid4().hex, person_id=person.id,
        memo="脱机补录 «測試» \"id\":0,"))
    session.commit()
    entry = _last_entry(session)
    legs = list(session.execute(select(Posting.account_id, Posting.amount).where(Posting.entry_id == entry.id)))
    fields = {name: getattr(entry, name) for name in ("id", "kind", "amount", "method", "created_dt", "business_date",
                                                      "person_id", "idempotency_key", "memo")}
    assert booked.row.id == entry.id and booked.row.hash == entry.hash and booked.balances == {cash: 4700}
    assert entry.hash == entry_hash(entry.prev_hash, fields, legs)
    assert verify_ledger(session).ok


def test_verify_notices_a_chain_head_that_names_another_predecessor(world):
    world.all_day_meal(price=700)
    person, card = world.diner(cash=5000)
    charge_meal(world.session, world.actor(), world.rules, uid=card.uid)
    world.session.commit()
    world.session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(prev_hash="f" * 64))
    world.session.commit()
    proof = verify_ledger(world.session)
    assert not proof.ok and any("ledger head" in problem for problem in proof.problems)
