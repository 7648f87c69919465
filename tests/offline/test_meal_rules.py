"""Offline charging applies the meal rules itself: the double-tap window and the per-meal and per-day limits,
counted from the snapshot's meals today plus the outbox, refused with the codes the server uses online."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from canteen.rules.offline_seal import snapshot_seal as snapshot_hash
from pos.offline.charging import OfflineCharger, OfflineRefused
from pos.offline.config import OfflineSettings
from pos.offline.outbox import Outbox
from pos.offline.snapshot import Snapshot

KEY, CODE = "terminal-key-1", "T9"
NOW = datetime(2026, 11, 28, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai
PERIODS = [{"id": 1, "code": "breakfast", "name": "早餐", "start": "07:00:00", "end": "09:00:00",
            "weekdays": "1234567", "prices": {"1": 300}},
           {"id": 2, "code": "lunch", "name": "午餐", "start": "11:00:00", "end": "13:00:00",
            "weekdays": "1234567", "prices": {"1": 1200}}]


def _charger(tmp_path, *, window=60, limits=(None, None, None, None), meals=None, day="2026-11-28"):
    body = {"version": 7, "generated_at": NOW.isoformat(), "terminal": CODE, "timezone": "Asia/Shanghai",
            "cards": [["A0000001", 1, "张三", 1, 100_000]], "blacklist": [], "periods": PERIODS, "day": day,
            "double_tap_seconds": window, "limits": {"1": list(limits)}, "meals_today": meals or {}}
    body["hash"] = snapshot_hash(hashlib.sha256(KEY.encode()).hexdigest(), body)
    snapshot = Snapshot(tmp_path / "snapshot.json", KEY)
    snapshot.replace(body, 0)
    return OfflineCharger(OfflineSettings(card_day=10**6), Outbox(tmp_path / "outbox.db", CODE, KEY), snapshot)


def _refusal(charger, now) -> str:
    with pytest.raises(OfflineRefused) as caught:
        charger.charge("A0000001", now=now)
    return caught.value.code


def test_a_second_tap_within_the_window_is_refused_offline(tmp_path):
    charger = _charger(tmp_path, window=60)
    assert charger.charge("A0000001", now=NOW)["amount"] == 1200
    assert _refusal(charger, NOW + timedelta(seconds=30)) == "repeated_tap"
    assert charger.charge("A0000001", now=NOW + timedelta(seconds=61))["seq"] == 2
    assert charger.outbox.stats().pending == 2


def test_a_meal_booked_online_before_the_snapshot_counts_for_the_window(tmp_path):
    meals = {"1": [[2, (NOW - timedelta(seconds=10)).isoformat(), 1200]]}
    charger = _charger(tmp_path, window=60, meals=meals)
    assert _refusal(charger, NOW) == "repeated_tap"
    assert charger.outbox.stats().pending == 0


def test_the_per_meal_count_is_refused_offline(tmp_path):
    meals = {"1": [[2, (NOW - timedelta(minutes=30)).isoformat(), 1200]]}
    charger = _charger(tmp_path, window=0, limits=(1, None, None, None), meals=meals)
    assert _refusal(charger, NOW) == "meal_limit_reached"


def test_the_per_day_count_counts_the_outbox_too(tmp_path):
    breakfast = NOW - timedelta(hours=4)  # 08:00 in Shanghai
    charger = _charger(tmp_path, window=0, limits=(2, 2, None, None))
    charger.charge("A0000001", now=breakfast)
    charger.charge("A0000001", now=breakfast + timedelta(minutes=5))
    assert _refusal(charger, NOW) == "daily_limit_reached"
    assert charger.outbox.stats().pending == 2


def test_the_amount_limits_are_refused_offline(tmp_path):
    charger = _charger(tmp_path, window=0, limits=(None, None, 2000, 2000))
    charger.charge("A0000001", now=NOW)
    assert _refusal(charger, NOW + timedelta(minutes=1)) == "meal_limit_reached"


def test_yesterdays_meals_in_an_old_snapshot_do_not_count(tmp_path):
    meals = {"1": [[2, (NOW - timedelta(days=1)).isoformat(), 1200]]}
    charger = _charger(tmp_path, window=0, limits=(1, 1, None, None), meals=meals, day="2026-11-27")
    assert charger.charge("A0000001", now=NOW)["amount"] == 1200


def test_the_server_snapshot_carries_the_rules_and_todays_meals(world, client):
    from tests.pos.terminal import held  # noqa: F401 - same fixtures as the other offline tests

    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    person, card = world.diner(cash=5000)
    tap = client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))
    assert tap.status_code == 201 or tap.status_code == 200, tap.json
    body = client.get("/api/v1/sync/snapshot", headers=world.headers(terminal, key, idem=None)).json
    assert body["double_tap_seconds"] == world.rules.double_tap_seconds
    assert str(person.category_id) in body["limits"]
    ((period_id, _, fen),) = body["meals_today"][str(person.id)]
    assert fen == 1000 and period_id is not None
