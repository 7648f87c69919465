"""A synchronous standby takes over: terminals tap a real server, the primary dies hard, the standby is promoted,
and the server (one multi-host DATABASE_URL with ``target_session_attrs=read-write``) carries on with it. No
acknowledged tap is lost, none is booked twice, the ledger verifies on the new primary."""
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
from canteen.models import JournalEntry
from canteen.ops import cluster
from canteen.ops.drill import run_command
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
    uids, creds = seed(make_app(primary.url("canteen")), diners=24, terminals=4)
    reports_read_the_standby(url, standby)
    server, base = serve(url, tmp_path)
    tappers = [Tapper(base, Terminal(c.code, c.key), uids[i::4]) for i, c in enumerate(creds)]
    try:
        for tapper in tappers:
            tapper.start()
        wait_for(lambda: all(len(t.acks) >= 10 for t in tappers), 60)
        primary.stop("immediate")  # the machine is gone: no shutdown checkpoint, no goodbye to clients
        killed = time.monotonic()
        standby.promote()
        promoted = time.monotonic()
        wait_for(lambda: all(sum(a.at > promoted for a in t.acks) >= 10 for t in tappers), 90,
                 lambda: [(len(t.acks), t.retries, t.refusals[:1]) for t in tappers])
    finally:
        for tapper in tappers:
            tapper.stop()
        stop(server)
    assert not any(t.refusals for t in tappers), [t.refusals[:3] for t in tappers]
    acks = [a for t in tappers for a in t.acks]
    resumed = max(min(a.at for a in t.acks if a.at > killed) for t in tappers) - killed

    assert not standby.in_recovery()
    app = make_app(standby.url("canteen"))
    with app.app_context():
        meals = db.session.execute(select(JournalEntry.id).where(JournalEntry.kind == "meal")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    booked = set(meals)
    lost = [a for a in acks if a.entry_id not in booked]
    doubled = [entry for entry, n in Counter(a.entry_id for a in acks).items() if n > 1]
    unanswered = booked - {a.entry_id for a in acks}
    assert lost == [] and doubled == [] and unanswered == set()
    assert len(meals) == len(acks)
    proof = run_command(standby.url("canteen"), "ledger", "verify")
    assert proof.returncode == 0, proof.stdout + proof.stderr
    assert "ledger OK" in proof.stdout

    FIGURES.write_text(json.dumps({
        "taps_acknowledged": len(acks), "taps_lost": len(lost), "taps_doubled": len(doubled),
        "retries": sum(t.retries for t in tappers), "promote_seconds": round(promoted - killed, 2),
        "taps_resumed_seconds": round(resumed, 2), "terminals": len(tappers)}, indent=2))
