"""500 offline taps at one terminal, synced three times (one sync cut off midway): exactly 500 entries."""
import requests
from sqlalchemy import func, select

from canteen.models import JournalEntry
from canteen.services.verify import verify_ledger
from tests.offline.kit import offline_link
from tests.pos.terminal import held

TAPS = 500


def test_500_offline_taps_reach_the_ledger_exactly_once(world, live_server, tmp_path):
    category = world.unlimited_category()  # ten lunches per card: no meal limit may refuse them
    world.all_day_meal(price=1200)
    terminal, key = world.terminal()
    code, terminal_id = terminal.code, terminal.id
    uids = []
    for _ in range(50):
        person, card = world.diner(cash=50_000, category=category)
        uids.append(held(world, person, card)[1])
    link = offline_link(live_server, code, key, tmp_path)
    assert link.refresh_snapshot()
    for n in range(TAPS):
        link.charger.charge(uids[n % len(uids)])
    queued = link.outbox.stats()
    assert (queued.pending, queued.last_seq) == (TAPS, TAPS)

    # Sync 1 is cut off midway: 150 items reach the server, the answer never comes back.
    cut = link.outbox.pending(150)
    try:
        requests.post(live_server + "/api/v1/sync/offline-charges", json={"items": cut}, timeout=(2, 0.001),
                      headers=link.client._headers(None, "cut"))
    except requests.Timeout:
        pass
    # Sync 2 sends one batch of 200 (the first 150 again among them) and stops.
    batch = link.outbox.pending(200)
    reply = link.client.post("/api/v1/sync/offline-charges", {"items": batch}, key="second")
    link.outbox.settle(reply.body["results"])
    statuses = [r["status"] for r in reply.body["results"]]
    assert set(statuses[:150]) <= {"replayed", "booked"} and statuses[150:] == ["booked"] * 50
    # Sync 3 drains the rest.
    assert link.drain()
    assert link.outbox.stats().pending == 0

    world.session.expire_all()
    count, total = world.session.execute(select(func.count(), func.sum(JournalEntry.amount)).where(
        JournalEntry.terminal_id == terminal_id, JournalEntry.kind == "meal")).one()
    outbox_total = sum(item["amount"] for item in link.outbox.all_items())
    assert (count, int(total)) == (TAPS, outbox_total) == (TAPS, TAPS * 1200)
    assert {item["status"] for item in link.outbox.all_items()} <= {"booked", "replayed"}
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems
