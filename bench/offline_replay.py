"""Offline replay: 10,000 offline taps queued at one terminal, then synced to a server on PostgreSQL.

    python -m bench.offline_replay [--taps 10000] [--diners 1000] [--batch 500]

1. Creates a scratch database, migrates and seeds it through the services (as ``bench.lunch_rush`` does).
2. Starts the server under gunicorn (``canteen serve``), takes the terminal's snapshot, then charges `--taps`
   meals offline into the terminal's real outbox (SQLite, synchronous=FULL, one fsync per tap).
3. Syncs the outbox with the terminal's own sync code and times it (``seconds``), then sends the first batch
   again to show a replay books nothing.
4. Counts meal entries booked for the terminal, checks none is booked twice, verifies the ledger, drops the
   database, and ends with one JSON line: ``queued``, ``seconds``, ``booked``, ``duplicates``.

Goal (issue 5): seconds <= 10, duplicates 0, booked == queued.
"""
import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from bench import pg
from bench.canteen_server import free_port, log, make_app, seed, start_server, stop_server


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.offline_replay", description=__doc__.split("\n")[0])
    p.add_argument("--taps", type=int, default=10_000)
    p.add_argument("--diners", type=int, default=1000)
    p.add_argument("--batch", type=int, default=500, help="offline charges per sync request")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--admin-url", default=os.environ.get("CANTEEN_BENCH_POSTGRES_URL", pg.DEFAULT_ADMIN_URL))
    p.add_argument("--database", default="canteen_bench_offline")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return p.parse_args(argv)


def _count(app, terminal_code: str) -> dict:
    from sqlalchemy import func, select

    from canteen.extensions import db
    from canteen.models import JournalEntry, OfflineCharge, Terminal
    from canteen.services.verify import verify_ledger

    with app.app_context():
        terminal_id = db.session.scalar(select(Terminal.id).where(Terminal.code == terminal_code))
        entries = db.session.scalar(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.terminal_id == terminal_id, JournalEntry.kind == "meal"))
        seqs = db.session.scalar(select(func.count(func.distinct(OfflineCharge.seq))).where(
            OfflineCharge.terminal_id == terminal_id, OfflineCharge.outcome == "booked"))
        proof = verify_ledger(db.session)
        db.session.remove()
        db.engine.dispose()
    return {"entries": entries, "distinct_seqs": seqs, "ledger_ok": proof.ok, "problems": proof.problems}


def main(argv=None) -> int:
    from pos.api_client import ApiClient
    from pos.event_hub import EventHub
    from pos.health import HealthBoard
    from pos.offline.config import OfflineSettings
    from pos.offline.sync import OfflineLink
    from pos.sequence import Sequence

    args = parse_args(argv)
    url = pg.database_url(args.admin_url, args.database)
    pg.create_database(args.admin_url, args.database)
    instance = tempfile.mkdtemp(prefix="canteen-bench-offline-")
    server = None
    try:
        log(f"seeding {args.diners} diners into {args.database}")
        app = make_app(url)
        uids, creds = seed(app, args.diners, 1)
        port = args_port = free_port()
        server = start_server(SimpleNamespace(worker_class="gthread", workers=args.workers, threads=4), url,
                              args_port, instance)
        terminal = creds[0]
        data_dir = Path(instance) / "terminal"
        client = ApiClient(f"http://127.0.0.1:{port}", terminal.code, terminal.key, Sequence(data_dir / "sequence"),
                           timeout=30, retries=2)
        hub = EventHub()
        settings = OfflineSettings(card_day=10**9, max_items=args.taps + 1, max_charge=10**6, batch=args.batch)
        link = OfflineLink(settings, client, data_dir, terminal.key, hub, HealthBoard(hub))
        if not link.refresh_snapshot():
            raise RuntimeError("no snapshot")
        started = time.perf_counter()
        for n in range(args.taps):
            link.charger.charge(uids[n % len(uids)])
        queue_seconds = time.perf_counter() - started
        log(f"queued {args.taps} offline taps in {queue_seconds:.2f} s "
            f"({1000 * queue_seconds / args.taps:.2f} ms per durable tap)")
        started = time.perf_counter()
        drained = link.drain()
        seconds = time.perf_counter() - started
        pending = link.outbox.stats().pending
        log(f"synced in {seconds:.2f} s ({args.taps / seconds:.0f} charges/s), drained={drained}, left={pending}")
        again = client.post("/api/v1/sync/offline-charges", {"items": _first_items(link, args.batch)},
                            key="bench-replay").body["results"]
        replayed = sum(r["status"] == "replayed" for r in again)
        log(f"replayed the first {len(again)} items again: {replayed} answered as replays")
        stop_server(server)
        server = None
        counts = _count(make_app(url), terminal.code)
        log(f"ledger verify: {'ok' if counts['ledger_ok'] else counts['problems']}")
        duplicates = counts["entries"] - counts["distinct_seqs"] + (len(again) - replayed)
        print(json.dumps({"queued": args.taps, "seconds": round(seconds, 2), "booked": counts["entries"],
                          "duplicates": duplicates, "queue_seconds": round(queue_seconds, 2),
                          "ledger_ok": counts["ledger_ok"]}))
        return 0 if counts["ledger_ok"] and duplicates == 0 and counts["entries"] == args.taps else 1
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            pg.drop_database(args.admin_url, args.database)


def _first_items(link, count: int) -> list[dict]:
    import sqlite3

    rows = sqlite3.connect(link.outbox.path).execute(
        "SELECT seq, uid, amount, tapped_at, online_key, mac FROM item ORDER BY seq LIMIT ?", (count,)).fetchall()
    return [dict(zip(("seq", "uid", "amount", "tapped_at", "online_key", "mac"), r)) for r in rows]


if __name__ == "__main__":
    raise SystemExit(main())
