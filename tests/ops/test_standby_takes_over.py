"""A synchronous standby takes over: terminals tap a real server, the primary dies hard, the standby is promoted,
and the server (one multi-host DATABASE_URL with ``target_session_attrs=read-write``) carries on with it. Four
terminals retry each unanswered tap with its key; a fifth is a till that charges offline into its outbox when no
answer comes and drains it after the failover. No acknowledged tap is lost, none is booked twice, the ledger
verifies on the new primary."""
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import func, select, text

from bench.canteen_server import make_app, seed
from canteen import create_app
from canteen.db_setup import reports_session
from canteen.extensions import db
from canteen.models import JournalEntry, OfflineCharge, Terminal as TerminalRow
from canteen.ops import cluster
from canteen.ops.drill import run_command
from tests.offline.kit import offline_link
from tests.offline.tap_stream import TapStream, assert_booked_once, drain
from tests.ops.conftest import free_port
from tests.ops.tapping import Tapper, Terminal

#: Where the measured failover figures go (README "Backups, restore and standby" quotes them).
FIGURES = Path(os.environ.get("CANTEEN_FAILOVER_FIGURES", "/tmp/canteen-failover-figures.json"))


def wait_for(condition, timeout: float, what=lambda: ""):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what()}"
        time.sleep(0.05)


def serve(url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    canteen = shutil.which("canteen", path=str(Path(sys.executable).parent)) or shutil.which("canteen")
    env = dict(os.environ, CANTEEN_DATABASE_URL=url, CANTEEN_DOUBLE_TAP_SECONDS="0", CANTEEN_REDIS_URL="",
               CANTEEN_INSTANCE_DIR=str(folder))
    with open(folder / "server.log", "w") as log:
        proc = subprocess.Popen([canteen, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                                 "--threads", "4"], env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def up():
        assert proc.poll() is None, (folder / "server.log").read_text()[-3000:]
        try:
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait_for(up, 60)
    return proc, base


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def reports_read_the_standby(url: str, standby) -> None:
    """With REPORTS_DATABASE_URL naming the standby, report queries read there and money paths do not."""
    app = create_app({"DATABASE_URL": url, "REPORTS_DATABASE_URL": standby.url("canteen"), "REDIS_URL": ""})
    with app.test_request_context():
        assert reports_session().scalar(text("SELECT pg_is_in_recovery()")) is True
        assert db.session.scalar(text("SELECT pg_is_in_recovery()")) is False
        entries = db.session.scalar(select(func.count()).select_from(JournalEntry))
        # Synchronous commit waits for the standby's flush; its replay follows a moment later.
        wait_for(lambda: reports_session().scalar(select(func.count()).select_from(JournalEntry)) == entries, 30)
        db.session.remove()
    with app.app_context():  # after the request's teardown has closed the reports' session
        for engine in db.engines.values():
            engine.dispose()


def test_the_standby_takes_over_with_no_acknowledged_tap_lost_or_doubled(primary_and_standby, tmp_path):
    primary, standby = primary_and_standby
    assert cluster.replication_state(primary) == [(cluster.STANDBY_NAME, "streaming", "sync")]
    url = (f"postgresql://root@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/canteen"
           "?target_session_attrs=read-write&connect_timeout=3")
    uids, creds = seed(make_app(primary.url("canteen")), diners=24, terminals=5)
    *tapping, till_creds = creds
    reports_read_the_standby(url, standby)
    server, base = serve(url, tmp_path)
    tappers = [Tapper(base, Terminal(c.code, c.key), uids[i::4]) for i, c in enumerate(tapping)]
    # The till asks online with a short timeout, as a real one does, so it goes offline while the primary is gone.
    link = offline_link(base, till_creds.code, till_creds.key, tmp_path / "till", timeout=1.0)
    try:
        assert link.refresh_snapshot()
        with TapStream(link, uids) as till:
            for tapper in tappers:
                tapper.start()
            wait_for(lambda: all(len(t.acks) >= 10 for t in tappers) and len(till.online) >= 10, 60)
            primary.stop("immediate")  # the machine is gone: no shutdown checkpoint, no goodbye to clients
            killed, offline_before = time.monotonic(), till.offline
            # Someone decides to promote after some seconds, not at once: the till charges offline meanwhile.
            wait_for(lambda: till.offline >= offline_before + 3, 30,
                     lambda: f"till charged {till.offline} offline, refused {till.refused[:3]}")
            promoting = time.monotonic()
            standby.promote()
            promoted = time.monotonic()
            online_before = len(till.online)
            wait_for(lambda: all(sum(a.at > promoted for a in t.acks) >= 10 for t in tappers)
                     and len(till.online) >= online_before + 10, 90,
                     lambda: [(len(t.acks), t.retries, t.refusals[:1]) for t in tappers] + [len(till.online)])
        queued = link.outbox.stats().pending
        drain_seconds = drain(link)  # what the till's sync thread does once the server answers again
    finally:
        for tapper in tappers:
            tapper.stop()
        stop(server)
        link.outbox.close()
    assert not any(t.refusals for t in tappers), [t.refusals[:3] for t in tappers]
    # A refusal (an answer other than 503) turns the diner away instead of charging offline.
    assert till.refused == [] and till.offline > 0 and queued == till.offline, (till.refused[:3], till.offline)
    acks = [a for t in tappers for a in t.acks]
    # From the promotion, not the kill: the wait before it stands for a person deciding, which the canteen can't cut.
    resumed = max(min(a.at for a in t.acks if a.at > promoting) for t in tappers) - promoting

    assert not standby.in_recovery()
    app = make_app(standby.url("canteen"))
    with app.app_context():
        till_id = db.session.scalar(select(TerminalRow.id).where(TerminalRow.code == till_creds.code))
        meals = db.session.execute(select(JournalEntry.id, JournalEntry.terminal_id, JournalEntry.idempotency_key)
                                   .where(JournalEntry.kind == "meal")).all()
        till_booked = assert_booked_once(db.session, till_id, till)
        drained = db.session.scalar(select(func.count()).select_from(OfflineCharge)
                                    .where(OfflineCharge.terminal_id == till_id))
        db.session.remove()
        db.engine.dispose()
    booked = {entry for entry, terminal, _ in meals if terminal != till_id}
    lost = [a for a in acks if a.entry_id not in booked]
    doubled = [entry for entry, n in Counter(a.entry_id for a in acks).items() if n > 1]
    unanswered = booked - {a.entry_id for a in acks}
    assert lost == [] and doubled == [] and unanswered == set()
    assert len(booked) == len(acks) and len(meals) == len(acks) + till_booked
    assert [key for key, n in Counter(key for *_, key in meals).items() if n > 1] == []
    assert drained == till.offline
    proof = run_command(standby.url("canteen"), "ledger", "verify")
    assert proof.returncode == 0, proof.stdout + proof.stderr
    assert "ledger OK" in proof.stdout

    FIGURES.write_text(json.dumps({
        "taps_acknowledged": len(acks) + till.acknowledged, "taps_lost": len(lost), "taps_doubled": len(doubled),
        "retries": sum(t.retries for t in tappers), "primary_down_seconds": round(promoting - killed, 2),
        "promote_seconds": round(promoted - promoting, 2), "taps_resumed_seconds": round(resumed, 2),
        "offline_taps_queued": queued, "offline_taps_drained": drained,
        "outbox_drain_seconds": round(drain_seconds, 2), "terminals": len(tappers) + 1}, indent=2))
