"""Two offline terminals spend one card past its balance: both booked once, the overdraft flagged and repaid."""
from sqlalchemy import select

from canteen.models import Account, JournalEntry, OfflineException
from canteen.services.verify import verify_ledger
from tests.offline.kit import offline_link
from tests.pos.terminal import held


def test_two_offline_terminals_overspend_one_card(world, live_server, tmp_path, client):
    world.all_day_meal(price=1000)
    (t1, k1), (t2, k2) = world.terminal(), world.terminal()
    codes = (t1.code, t2.code)
    person, card = world.diner(cash=1500)
    person_id = person.id
    _, uid = held(world, person, card)
    links = [offline_link(live_server, code, key, tmp_path / code) for code, key in zip(codes, (k1, k2))]
    for link in links:
        assert link.refresh_snapshot()
    charges = [link.charger.charge(uid) for link in links]  # the network is down: each sees 15.00 yuan
    assert [c["amount"] for c in charges] == [1000, 1000]
    assert [c["balance_left"] for c in charges] == [500, 500]
    for link in links:
        assert link.drain() and link.drain()  # the second drain finds nothing left
    world.session.expire_all()
    wallets = {a.kind: a.balance for a in world.session.scalars(select(Account).where(Account.person_id == person_id))}
    owed = world.session.scalar(select(Account).where(Account.code == f"receivable:{person_id}"))
    assert (wallets["cash"], wallets["subsidy"], owed.balance) == (0, 0, -500)
    meals = world.session.scalars(select(JournalEntry).where(JournalEntry.person_id == person_id,
                                                             JournalEntry.kind == "meal")).all()
    assert len(meals) == 2 and sum(m.amount for m in meals) == 2000
    (flag,) = world.session.scalars(select(OfflineException)).all()
    assert (flag.person_id, flag.uid, flag.amount, flag.overdraft, flag.reason) == (
        person_id, uid, 1000, 500, "insufficient_balance")
    assert flag.terminal_id in (t1.id, t2.id)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
    balance = client.get(f"/api/v1/cards/{uid}", headers=world.headers(t1, k1, idem=None)).json["balances"]
    assert (balance["owed"], balance["spendable"]) == (500, -500)

    world.top_up(world.session.get(type(person), person_id), 2000)
    world.session.expire_all()
    owed = world.session.scalar(select(Account).where(Account.code == f"receivable:{person_id}"))
    cash = world.session.scalar(select(Account).where(Account.person_id == person_id, Account.kind == "cash"))
    assert (owed.balance, cash.balance) == (0, 1500)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
