"""CPU per tap, one tap at a time: what the tap's own code costs the server, without HTTP or concurrency.

    python -m bench.tap_cpu [--taps 1000] [--rounds 5] [--diners 2000]

Creates a scratch PostgreSQL database seeded as :mod:`bench.lunch_rush` seeds it, then sends taps one
after another through the app's WSGI stack as a gunicorn sync worker runs it (the terminals' fast lane, no
app context pushed, ``wsgi.multithread`` false), and measures this process's CPU and PostgreSQL's CPU per
tap, in `--rounds` rounds after a warm-up. Prints each round and ends with one JSON line of the medians.

The lunch rush's throughput drifts with a shared host by more than a small change to the tap's code
moves it; to compare two versions of that code, run this on each, interleaved, several times.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid

from werkzeug.test import EnvironBuilder

from bench import pg
from bench.canteen_server import log, make_app, seed
from bench.cpu import CpuMeter


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.tap_cpu", description=__doc__.split("\n")[0])
    p.add_argument("--taps", type=int, default=1000, help="taps per round")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--warmup", type=int, default=200, help="taps before the first round")
    p.add_argument("--diners", type=int, default=2000)
    p.add_argument("--database", default="canteen_bench_cpu", help="name of the scratch database")
    return p.parse_args(argv)


def tap_environ(uid: str, code: str, key: str) -> dict:
    """A terminal's tap as gunicorn's sync worker hands it to the app."""
    environ = EnvironBuilder(path="/api/v1/taps", method="POST", json={"uid": uid}, headers={
        "X-Terminal-Id": code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex}).get_environ()
    environ["wsgi.multithread"] = False
    return environ


def run_rounds(app, uids: list[str], code: str, key: str, args) -> list[dict]:
    """The taps, on a thread of their own (like a server's: no app context of ours around them)."""
    rounds: list[dict] = []
    failure: list[str] = []

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            failure.append(status)

    def tap(i: int) -> None:
        body = b"".join(app.wsgi_app(tap_environ(uids[i % len(uids)], code, key), start_response))
        if failure:
            raise RuntimeError(f"tap refused: {failure[0]} {body[:200]!r}")

    def work():
        n = 0
        for _ in range(args.warmup):
            tap(n)
            n += 1
        for _ in range(args.rounds):
            meter = CpuMeter({"postgres": pg.postgres_pids})
            meter.start()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.taps):
                tap(n)
                n += 1
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            meter.stop()
            per_tap = 1000 / args.taps
            rounds.append({"python_ms": cpu * per_tap, "postgres_ms": meter.used["postgres"] * per_tap,
                           "wall_ms": wall * per_tap})
            log("round {}: python {python_ms:.3f} ms, postgres {postgres_ms:.3f} ms, wall {wall_ms:.3f} ms per tap"
                .format(len(rounds), **rounds[-1]))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if len(rounds) != args.rounds:
        raise RuntimeError("the taps stopped early (see the error above)")
    return rounds


def main(argv=None) -> int:
    args = parse_args(argv)
    admin_url = os.environ.get("CANTEEN_BENCH_POSTGRES_URL", pg.DEFAULT_ADMIN_URL)
    os.environ["CANTEEN_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="canteen-bench-")
    pg.create_database(admin_url, args.database)
    try:
        app = make_app(pg.database_url(admin_url, args.database))
        uids, creds = seed(app, args.diners, 1)
        rounds = run_rounds(app, uids, creds[0].code, creds[0].key, args)
    finally:
        pg.drop_database(admin_url, args.database)
    medians = {name: round(statistics.median(r[name] for r in rounds), 3) for name in rounds[0]}
    print(json.dumps({"taps": args.taps * args.rounds, "rounds": args.rounds, **medians}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
