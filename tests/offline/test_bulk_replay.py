"""A sync batch is booked in bulk: mixed items (online keys, unknown and lost cards, overdrafts, a sequence
number twice) come out exactly as one-at-a-time booking would have them, in order, and the ledger proves itself."""
from datetime import timedelta

from sqlalchemy import select

from canteen.models import Account, JournalEntry, OfflineCharge, OfflineException, utcnow
from canteen.services.cards import report_loss
from canteen.services.verify import verify_ledger
from tests.offline.kit import sealed
from tests.world import new_uid

URL = "/api/v1/sync/offline-charges"


def test_a_mixed_batch_books_each_item_once_in_order(world, client):
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    rich, rich_card = world.diner(cash=10_000)
    poor, poor_card = world.diner(cash=1500)
    _, lost_card = world.diner(cash=5000)
    report_loss(world.session, world.actor(world.cashier()), card=lost_card)
    world.session.commit()
    online = client.post("/api/v1/taps", json={"uid": rich_card.uid}, headers=world.headers(terminal, key, idem="K1"))
    assert online.status_code == 200
    at = (utcnow() - timedelta(minutes=10)).isoformat()
    plan = [(rich_card.uid, None), (poor_card.uid, None), (rich_card.uid, "K1"), (poor_card.uid, None),
            (new_uid(), None), (lost_card.uid, None), (rich_card.uid, "K2"), (poor_card.uid, None)]
    items = [sealed(key, terminal.code, n, uid, 1000, at, online_key=k) for n, (uid, k) in enumerate(plan, 1)]
    items.insert(3, items[1])  # the same item twice in one batch
    reply = client.post(URL, json={"items": items}, headers=world.headers(terminal, key))
    assert reply.status_code == 200, reply.json
    got = [(r["seq"], r["status"], r["flags"]) for r in reply.json["results"]]
    assert got == [(1, "booked", []), (2, "booked", []), (3, "duplicate", []), (2, "replayed", []),
                   (4, "booked", ["insufficient_balance"]), (5, "unbooked", ["unknown_card"]),
                   (6, "booked", ["card_lost"]), (7, "booked", []), (8, "booked", ["insufficient_balance"])]
    results = reply.json["results"]
    assert results[3]["entry_id"] == results[1]["entry_id"]
    assert results[2]["entry_id"] == online.json["entry"]["id"]
    booked = [r["entry_id"] for r in results if r["status"] == "booked"]
    assert booked == sorted(booked)  # the chain follows the terminal's order
    world.session.expire_all()
    owed = world.session.scalar(select(Account.balance).where(Account.code == f"receivable:{poor.id}"))
    cash = world.session.scalar(select(Account.balance).where(Account.person_id == rich.id, Account.kind == "cash"))
    assert (owed, cash) == (-1500, 10_000 - 3000)  # online, #1 and #7 (#3 is the online one)
    flags = world.session.execute(select(OfflineException.reason, OfflineException.overdraft)
                                  .order_by(OfflineException.id)).all()
    assert [tuple(f) for f in flags] == [("insufficient_balance", 500), ("unknown_card", 0), ("card_lost", 0),
                                          ("insufficient_balance", 1000)]
    charges = world.session.scalars(select(OfflineCharge.outcome).order_by(OfflineCharge.seq)).all()
    assert charges == ["booked", "booked", "duplicate", "booked", "unbooked", "booked", "booked", "booked"]
    meals = world.session.scalars(select(JournalEntry.idempotency_key).where(
        JournalEntry.terminal_id == terminal.id, JournalEntry.kind == "meal").order_by(JournalEntry.id)).all()
    assert len(meals) == 7 and len(set(meals)) == 7
    again = client.post(URL, json={"items": items[:5]}, headers=world.headers(terminal, key))
    assert [r["status"] for r in again.json["results"]] == ["replayed"] * 5
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
