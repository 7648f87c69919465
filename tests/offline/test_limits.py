"""Offline limits, a damaged outbox and a snapshot that fails its check: refused with a clear reason."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from canteen.rules.offline_seal import snapshot_seal as snapshot_hash
from canteen.rules.offline_seal import item_seal as seal
from pos.offline.charging import OfflineCharger, OfflineRefused
from pos.offline.config import OfflineSettings
from pos.offline.outbox import Outbox, OutboxDamaged
from pos.offline.seal import seal_item
from pos.offline.snapshot import Snapshot, SnapshotInvalid

KEY, CODE = "terminal-key-1", "T9"
NOW = datetime(2026, 11, 28, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


def _snapshot_body(**changes) -> dict:
    body = {"version": 7, "generated_at": NOW.isoformat(), "terminal": CODE, "timezone": "Asia/Shanghai",
            "cards": [["A0000001", 1, "张三", 1, 5000], ["A0000002", 2, "李四", 1, 100_000]],
            "blacklist": [["A0000003", "lost"]],
            "periods": [{"id": 1, "code": "lunch", "name": "午餐", "start": "11:00:00", "end": "13:00:00",
                         "weekdays": "1234567", "prices": {"1": 1200}}]}
    body.update(changes)
    body["hash"] = snapshot_hash(hashlib.sha256(KEY.encode()).hexdigest(), body)
    return body


def _charger(tmp_path, **limits) -> OfflineCharger:
    snapshot = Snapshot(tmp_path / "snapshot.json", KEY)
    snapshot.replace(_snapshot_body(), 0)
    return OfflineCharger(OfflineSettings(**limits), Outbox(tmp_path / "outbox.db", CODE, KEY), snapshot)


def _refusal(charger, uid, now=NOW) -> str:
    with pytest.raises(OfflineRefused) as caught:
        charger.charge(uid, now=now)
    return caught.value.code


def test_the_terminal_seals_items_as_the_server_checks_them():
    item = {"seq": 3, "uid": "A0000001", "amount": 1200, "tapped_at": NOW.isoformat(), "online_key": "T9-4"}
    assert seal_item(KEY, CODE, item) == seal(hashlib.sha256(KEY.encode()).hexdigest(), CODE, item)


def test_offline_limits_refuse_with_their_reason(tmp_path):
    charger = _charger(tmp_path, max_charge=1000)
    assert _refusal(charger, "A0000001") == "offline_charge_limit"
    charger = _charger(tmp_path / "b", card_day=3000)
    charger.charge("A0000002", now=NOW)
    charger.charge("A0000002", now=NOW)
    assert _refusal(charger, "A0000002") == "offline_card_limit"
    charger = _charger(tmp_path / "c")
    for _ in range(4):
        charger.charge("A0000001", now=NOW)
    assert _refusal(charger, "A0000001") == "insufficient_balance"  # 50.00 held, 48.00 spent offline
    assert _refusal(charger, "A0000003") == "card_lost"
    assert _refusal(charger, "A0000009") == "unknown_card"
    assert _refusal(charger, "A0000002", NOW + timedelta(hours=3)) == "outside_meal_period"
    assert charger.outbox.stats().pending == 4  # refusals wrote nothing


def test_outbox_size_and_age_are_limited(tmp_path):
    charger = _charger(tmp_path, max_items=2)
    charger.charge("A0000002", now=NOW)
    charger.charge("A0000002", now=NOW)
    assert _refusal(charger, "A0000002") == "outbox_full"
    charger = _charger(tmp_path / "b", max_age_hours=1)
    charger.charge("A0000002", now=NOW)
    assert _refusal(charger, "A0000002", NOW + timedelta(minutes=61)) in ("snapshot_too_old", "outbox_too_old")
    charger.snapshot.replace(_snapshot_body(generated_at=(NOW + timedelta(minutes=61)).isoformat()), 0)
    assert _refusal(charger, "A0000002", NOW + timedelta(minutes=62)) == "outbox_too_old"


def test_a_damaged_or_foreign_outbox_is_refused_not_replaced(tmp_path):
    path = tmp_path / "outbox.db"
    path.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(OutboxDamaged):
        Outbox(path, CODE, KEY)
    assert path.read_bytes().startswith(b"this is not")  # kept for whoever repairs it
    Outbox(tmp_path / "other.db", "T1", KEY).close()
    with pytest.raises(OutboxDamaged, match="belongs to terminal T1"):
        Outbox(tmp_path / "other.db", CODE, KEY)
    charger = OfflineCharger(OfflineSettings(), None, Snapshot(tmp_path / "s.json", KEY), "damaged")
    assert _refusal(charger, "A0000001") == "outbox_damaged"


def test_a_snapshot_failing_its_check_is_refused_and_the_old_one_kept(tmp_path):
    snapshot = Snapshot(tmp_path / "snapshot.json", KEY)
    snapshot.replace(_snapshot_body(), 0)
    forged = _snapshot_body()
    forged["cards"][0][4] = 10**9
    with pytest.raises(SnapshotInvalid):
        snapshot.replace(forged, 0)
    assert snapshot.card("A0000001")[4] == 5000
    (tmp_path / "snapshot.json").write_text((tmp_path / "snapshot.json").read_text().replace("5000", "9999"))
    assert Snapshot(tmp_path / "snapshot.json", KEY).body is None  # a tampered file is not loaded
    assert Snapshot(tmp_path / "none.json", "another-key").body is None
