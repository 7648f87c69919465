"""Tap latency: from the reader reporting a card present to the result reaching the terminal page's event stream.

    python -m bench.tap_latency [--taps 200] [--database-url URL]

1. Starts (or reuses) pcscd with the vsmartcard-vpcd driver, exactly as the card reader tests do.
2. Creates a scratch database (SQLite unless --database-url names a PostgreSQL server), migrates it and seeds,
   through the services, one meal period open all day and one diner with a card and cash per tap.
3. Serves the canteen server over HTTP on 127.0.0.1, starts the terminal app (``pos``) with its PC/SC reader on
   vpcd's first slot, and opens the page's event stream (``/events``) as the browser would.
4. Taps each card with the vpcd virtual card, waits for the ``tap`` event, takes the card away and waits for its
   removal. Per tap: the event's arrival time minus ``CardPresented.monotonic`` (which the event carries in
   ``seen``), so pcscd's ~0.4 s polling of vpcd is outside the measurement, as the issue asks.

Prints the figures and ends with one JSON line: ``{"p50_ms", "p95_ms", "taps", ...}``. Goal (issue 3): p95 <= 100.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.tap_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--taps", type=int, default=200, help="number of taps (default 200)")
    parser.add_argument("--database-url", default="", help="PostgreSQL admin URL for a scratch database "
                                                           "(default: a SQLite file in a temporary folder)")
    return parser.parse_args(argv)


def _scratch_database(admin_url: str, folder: Path) -> tuple[str, callable]:
    """A database URL for this run and a function that drops it."""
    if not admin_url:
        return f"sqlite:///{folder / 'canteen.db'}", lambda: None
    from sqlalchemy import create_engine, text

    url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"canteen_tap_bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return f"{url.rsplit('/', 1)[0]}/{name}", drop


def _seed(app, taps: int) -> tuple[str, str, list[str]]:
    """Meal period, terminal and one funded diner per tap, through the services; returns code, key, UIDs."""
    from canteen.cli.setup import init_database
    from tests.world import World

    with app.app_context():
        init_database()
        world = World(app)
        category = world.unlimited_category()  # before the meal, so the meal has a price for it
        world.all_day_meal(price=1000)
        uids = [f"04{0xB000000000 + i:012X}" for i in range(taps)]
        for uid in uids:
            world.diner(cash=100_000, category=category, uid=uid)
        terminal, key = world.terminal("BENCH")
        code = terminal.code
        world.session.commit()
        world.session.remove()
    return code, key, uids


def run(args: argparse.Namespace, folder: Path) -> dict:
    """Set everything up, tap `args.taps` cards, return the figures."""
    from werkzeug.serving import make_server

    from canteen import create_app
    from cardreader.virtual_card import VirtualCard
    from tests.cardreader.pcsc_stack import SLOT0_PORT, SLOT0_READER, PcscStack
    from tests.pos.sse_client import EventStream
    from tests.pos.terminal import RunningTerminal

    stack = PcscStack(folder).open()
    url, drop = _scratch_database(args.database_url, folder)
    server = terminal = None
    try:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "DOUBLE_TAP_SECONDS": 0,
                          "REDIS_URL": ""})
        code, key, uids = _seed(app, args.taps)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        terminal = RunningTerminal(f"http://127.0.0.1:{server.server_port}", code, key, folder / "terminal",
                                   CANTEEN_CARD_READER="pcsc", CANTEEN_READER_PATTERN=SLOT0_READER)
        latencies, reads, servers, refused = [], [], [], 0
        with EventStream(terminal.url + "/events") as events:
            events.wait_for("health", lambda h: h["reader"]["ok"] is True, timeout=20)
            started = time.monotonic()
            for uid in uids:
                with VirtualCard(uid, port=SLOT0_PORT).on_reader():
                    tap, arrived = events.wait_for("tap", timeout=20)
                events.wait_for("card_removed", timeout=20)
                if tap["state"] != "ok" or tap["uid"] != uid:
                    refused += 1
                    print(f"tap {uid} refused: {tap.get('code')} {tap.get('message')}", file=sys.stderr)
                latencies.append((arrived - tap["seen"]) * 1000)
                reads.append(tap["timing"]["read_ms"])
                servers.append(tap["timing"]["server_ms"])
            elapsed = time.monotonic() - started
    finally:
        if terminal is not None:
            terminal.stop()
        if server is not None:
            server.shutdown()
            server.server_close()
        drop()
        stack.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "taps": len(latencies),
            "max_ms": round(max(latencies), 1), "mean_ms": round(statistics.fmean(latencies), 1),
            "read_p50_ms": round(statistics.median(reads), 1), "server_p50_ms": round(statistics.median(servers), 1),
            "refused": refused, "seconds": round(elapsed, 1),
            "database": "postgresql" if args.database_url else "sqlite"}


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.taps < 2:
        print("--taps must be at least 2", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="canteen-tap-bench-"))
    os.environ.setdefault("CANTEEN_INSTANCE_DIR", str(folder / "instance"))
    try:
        result = run(args, folder)
    except BaseException as exc:  # PcscStack reports a missing pcscd/vpcd as a pytest skip (a BaseException)
        if isinstance(exc, KeyboardInterrupt):
            raise
        print(f"tap latency benchmark could not run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{result['taps']} taps through pcscd + vpcd in {result['seconds']} s ({result['database']}); "
          f"refused {result['refused']}")
    print(f"card present -> page event: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"mean {result['mean_ms']} ms, max {result['max_ms']} ms (goal: p95 <= 100 ms)")
    print(f"of which (medians): reading the UID {result['read_p50_ms']} ms, server round trip "
          f"{result['server_p50_ms']} ms")
    print(json.dumps(result), flush=True)
    return 0 if result["refused"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
