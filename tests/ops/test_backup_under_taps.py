"""``canteen backup`` while terminals tap, then restore: the copy is the ledger at the backup's snapshot, to the
entry; ``canteen restore-drill`` proves it and fails on any difference."""
import json
import time
import uuid

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from canteen.models import JournalEntry
from canteen.ops.backup import MANIFEST, latest_backup, make_backup
from canteen.ops.drill import discard_scratch, scratch_url_for
from canteen.ops.restore import restore_backup
from tests.ops.tapping import Tapper, Terminal


def wait_for(condition, timeout=60.0, what=lambda: ""):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what()}"
        time.sleep(0.05)


def acks(tappers):
    return [ack for tapper in tappers for ack in tapper.acks]


@pytest.fixture
def tapping_canteen(world):
    """Three terminals and twelve diners with plenty of money, meals open all day."""
    free = world.unlimited_category()  # no daily meal limit; before the meal period so it gets a price
    world.all_day_meal(price=300)
    uids = [world.diner(cash=1_000_000, category=free)[1].uid for _ in range(12)]
    terminals = [Terminal(*(lambda t: (t[0].code, t[1]))(world.terminal())) for _ in range(3)]
    world.session.commit()
    return uids, terminals


def entry_ids(url: str) -> set[int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(JournalEntry.id)))
    finally:
        engine.dispose()


def test_a_backup_under_tap_load_restores_every_entry_acknowledged_before_it_and_none_after(
        app, database_url, live_server, tapping_canteen, tmp_path):
    uids, terminals = tapping_canteen
    tappers = [Tapper(live_server, terminal, uids[i::3]) for i, terminal in enumerate(terminals)]
    for tapper in tappers:
        tapper.start()
    try:
        wait_for(lambda: len(acks(tappers)) >= 30, what=lambda: [(t.retries, t.refusals[:2]) for t in tappers])
        before = time.monotonic()
        backup = make_backup(database_url, tmp_path / "backups")
        after = time.monotonic()
        wait_for(lambda: sum(ack.at > after for ack in acks(tappers)) >= 30)
    finally:
        for tapper in tappers:
            tapper.stop()
    assert not any(tapper.refusals for tapper in tappers)

    head = backup.manifest["figures"]["ledger_head"]["last_id"]
    target = scratch_url_for(database_url)
    try:
        restore_backup(latest_backup(tmp_path / "backups"), target)
        restored = entry_ids(target)
    finally:
        discard_scratch(target)

    answered = acks(tappers)
    # The copy is the chain up to the manifest's head, nothing missing and nothing beyond it.
    assert restored == set(range(1, head + 1))
    # Every tap answered before the backup began is in it; every tap answered after it ended is not.
    assert all(ack.entry_id in restored for ack in answered if ack.at < before)
    assert not any(ack.entry_id in restored for ack in answered if ack.at > after)
    assert sum(ack.at > after for ack in answered) >= 30
    # Taps went on during and after the backup: the source is ahead of the copy.
    assert max(entry_ids(database_url)) > head


def test_restore_drill_passes_on_a_true_backup_and_fails_on_any_difference(app, database_url, world, tmp_path):
    from canteen.extensions import db

    world.all_day_meal(price=300)
    world.diner(cash=5000)
    db.session.commit()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "--to", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    assert "ledger head" in made.stdout

    drill = runner.invoke(args=["restore-drill", "--from", str(tmp_path / "b")])
    assert drill.exit_code == 0, drill.output
    assert "restore drill OK" in drill.stdout

    # A manifest that no longer describes its copy (as if the dump had lost the last entry) fails the drill.
    manifest_path = latest_backup(tmp_path / "b").path / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["figures"]["ledger_head"]["last_id"] += 1
    manifest["figures"]["entries_by_kind"]["card_issue"]["amount"] += 100
    manifest_path.write_text(json.dumps(manifest))
    drill = runner.invoke(args=["restore-drill", "--from", str(tmp_path / "b")])
    assert drill.exit_code == 1
    assert "ledger_head.last_id: expected" in drill.stderr
    assert "entries_by_kind.card_issue.amount" in drill.stderr


def test_restore_refuses_a_damaged_copy_and_a_target_that_holds_data(app, database_url, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "--to", str(tmp_path / "b")]).exit_code == 0
    backup = latest_backup(tmp_path / "b")

    occupied = runner.invoke(args=["restore", "latest", "--from", str(tmp_path / "b"), "--to", database_url])
    assert occupied.exit_code == 1 and "--replace" in occupied.stderr
    assert len(occupied.stderr.strip().splitlines()) == 1

    with open(backup.data_file, "r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff" * 16)
    damaged = runner.invoke(args=["restore", str(backup.path), "--to", scratch_url_for(database_url)])
    assert damaged.exit_code == 1 and "checksum differs" in damaged.stderr

    nothing = runner.invoke(args=["restore-drill", "--from", str(tmp_path / f"none-{uuid.uuid4().hex}")])
    assert nothing.exit_code == 1 and "no finished backup" in nothing.stderr
