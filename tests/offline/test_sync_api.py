"""The sync API: offline charges booked in order and exactly once; bad items refused with a reason."""
from datetime import timedelta

from sqlalchemy import func, select

from canteen.models import JournalEntry, OfflineException, utcnow
from canteen.services.verify import verify_ledger
from tests.offline.kit import sealed
from tests.world import new_uid

URL = "/api/v1/sync/offline-charges"


def _setup(world):
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    return terminal, key


def _now(delta=0):
    return (utcnow() + timedelta(seconds=delta)).isoformat()


def _entries(world, terminal):
    world.session.commit()
    return world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.terminal_id == terminal.id, JournalEntry.kind == "meal"))


def test_offline_items_are_booked_once_however_often_replayed(world, client):
    terminal, key = _setup(world)
    _, card = world.diner(cash=5000)
    items = [sealed(key, terminal.code, n, card.uid, 1000, _now(-60 + n)) for n in (1, 2, 3)]
    headers = world.headers(terminal, key)
    first = client.post(URL, json={"items": items}, headers=headers)
    assert first.status_code == 200, first.json
    assert [r["status"] for r in first.json["results"]] == ["booked"] * 3
    again = client.post(URL, json={"items": items}, headers=headers)
    assert [r["status"] for r in again.json["results"]] == ["replayed"] * 3
    assert [r["entry_id"] for r in again.json["results"]] == [r["entry_id"] for r in first.json["results"]]
    assert _entries(world, terminal) == 3
    assert verify_ledger(world.session).ok


def test_tampered_wrong_key_gap_and_mismatched_replay_are_refused(world, client):
    terminal, key = _setup(world)
    other, other_key = world.terminal()
    _, card = world.diner(cash=5000)
    good = sealed(key, terminal.code, 1, card.uid, 1000, _now())
    tampered = dict(good, amount=1)
    reply = client.post(URL, json={"items": [tampered]}, headers=world.headers(terminal, key))
    assert reply.json["results"][0] == {"seq": 1, "status": "refused", "entry_id": None, "code": "offline_tampered",
                                        "flags": []}
    stolen = client.post(URL, json={"items": [good]}, headers=world.headers(other, other_key))
    assert stolen.json["results"][0]["code"] == "offline_tampered"
    gap = sealed(key, terminal.code, 3, card.uid, 1000, _now())
    reply = client.post(URL, json={"items": [good, gap]}, headers=world.headers(terminal, key))
    assert [(r["status"], r["code"]) for r in reply.json["results"]] == [("booked", None),
                                                                        ("refused", "offline_sequence_gap")]
    other_content = sealed(key, terminal.code, 1, card.uid, 900, _now())
    reply = client.post(URL, json={"items": [other_content]}, headers=world.headers(terminal, key))
    assert reply.json["results"][0]["code"] == "offline_replay_mismatch"
    wrong = client.post(URL, json={"items": [good]}, headers=world.headers(terminal, "not-the-key"))
    assert wrong.status_code == 401
    assert _entries(world, terminal) == 1


def test_malformed_batches_are_refused_whole(world, client):
    terminal, key = _setup(world)
    headers = world.headers(terminal, key)
    for body in ({}, {"items": []}, {"items": [{"seq": 0, "uid": "A1", "amount": 1, "tapped_at": "x",
                                                  "mac": "0" * 64}]}, {"items": "nope"}):
        assert client.post(URL, json=body, headers=headers).status_code == 400
    assert _entries(world, terminal) == 0


def test_a_clock_far_off_is_flagged_and_booked_at_arrival(world, client):
    terminal, key = _setup(world)
    _, card = world.diner(cash=5000)
    items = [sealed(key, terminal.code, 1, card.uid, 1000, _now(3600 * 24 * 30)),
             sealed(key, terminal.code, 2, card.uid, 1000, "2019-01-01T00:00:00+00:00")]
    reply = client.post(URL, json={"items": items}, headers=world.headers(terminal, key))
    assert [r["flags"] for r in reply.json["results"]] == [["clock_skew"], ["clock_skew"]]
    world.session.commit()
    reasons = world.session.scalars(select(OfflineException.reason).order_by(OfflineException.id)).all()
    assert reasons == ["clock_skew", "clock_skew"]
    assert _entries(world, terminal) == 2


def test_a_card_lost_meanwhile_is_booked_and_flagged(world, client):
    from canteen.services.cards import report_loss

    terminal, key = _setup(world)
    _, card = world.diner(cash=5000)
    report_loss(world.session, world.actor(world.cashier()), card=card)
    world.session.commit()
    reply = client.post(URL, json={"items": [sealed(key, terminal.code, 1, card.uid, 1000, _now(-30))]},
                        headers=world.headers(terminal, key))
    assert reply.json["results"][0]["status"] == "booked"
    assert reply.json["results"][0]["flags"] == ["card_lost"]
    manager = world.operator("manager")
    listed = client.get("/api/v1/offline-exceptions", headers=world.headers(operator=manager, idem=None))
    assert listed.status_code == 200
    (row,) = listed.json["exceptions"]
    assert (row["uid"], row["amount"], row["overdraft"], row["reasons"], row["terminal"]) == (
        card.uid, 1000, 0, ["card_lost"], terminal.code)
    cashier_view = client.get("/api/v1/offline-exceptions", headers=world.headers(operator=world.cashier(), idem=None))
    assert cashier_view.status_code == 403


def test_an_unknown_card_is_recorded_not_lost(world, client):
    terminal, key = _setup(world)
    uid = new_uid()
    reply = client.post(URL, json={"items": [sealed(key, terminal.code, 1, uid, 1000, _now())]},
                        headers=world.headers(terminal, key))
    assert reply.json["results"][0]["status"] == "unbooked"
    world.session.commit()
    assert world.session.scalar(select(OfflineException.reason)) == "unknown_card"


def test_an_online_tap_already_booked_is_not_booked_again(world, client):
    terminal, key = _setup(world)
    _, card = world.diner(cash=5000)
    online = client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key, idem="T-7"))
    assert online.status_code == 200
    items = [sealed(key, terminal.code, 1, card.uid, 1000, _now(), online_key="T-7"),
             sealed(key, terminal.code, 2, card.uid, 1000, _now(), online_key="T-8")]
    reply = client.post(URL, json={"items": items}, headers=world.headers(terminal, key))
    assert [r["status"] for r in reply.json["results"]] == ["duplicate", "booked"]
    assert reply.json["results"][0]["entry_id"] == online.json["entry"]["id"]
    late = client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key, idem="T-8"))
    assert late.headers.get("Idempotent-Replayed") == "true"
    assert _entries(world, terminal) == 2
    assert verify_ledger(world.session).ok
