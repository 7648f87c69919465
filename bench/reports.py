"""Reports on a big journal: every report and dashboard query timed on millions of entries.

    python -m bench.reports [--entries 10000000] [--diners 5000] [--years 5] [--runs 7] [--keep]

1. Creates a scratch PostgreSQL database (CANTEEN_BENCH_POSTGRES_URL, default the local server),
   migrates it with ``canteen``'s own ``init_database``, and adds departments, terminals and
   `--diners` people with their accounts.
2. Fills the journal in bulk with SQL (not through the API): `--entries` entries over `--years`
   years — meals at three meal periods, a top-up every 20th entry, a refund now and then — with
   their postings, then sets the cached balances to the postings' sums and runs ANALYZE.
   Triggers are off while loading (session_replication_role = replica), so the entries carry
   placeholder hashes: this database is for timing queries, not for proving the ledger. Bookings (报餐) are
   loaded too: every 4th meal booked (one in ten of those cancelled), the next diner booked for every 16th.
3. Times the work summary for the last year, every report (last month and last year, and the headcount of
   two departments over the year) and the dashboard's live query, `--runs` times each, and prints p50/p95
   per query. Before timing, the report pre-aggregates are built with ``canteen reports rollup`` (what a
   production cron does every few minutes), followed by VACUUM ANALYZE; ``--live N`` then books N more meals
   after the watermark, spread over the last days, so the reports also read a live tail from the journal;
   ``--no-rollup`` times the
   reports on the journal alone.
4. Times every back-office page a manager opens (:mod:`bench.pages`; ``--no-pages`` skips them).
Ends with one JSON line: ``entries``, ``p95_ms`` per report and ``max_p95_ms``, ``pages_p95_ms`` per page and
``pages_max_p95_ms``. ``--keep`` leaves the database
for ``--database NAME`` runs, which only time the queries again (say the same ``--entries`` and ``--live``).
Goal (issue 4): max_p95_ms <= 200 on 2 cores.
"""
import argparse
import json
import os
import signal
import statistics
import sys
import time
from datetime import date, timedelta

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bench import pages, pg
from bench.lunch_rush import wait_for_quiet
from canteen import reports
from canteen.config import engine_options
from canteen.reports import Filters
from canteen.reports.bookings import booking_report

CHUNK = 1_000_000
#: PostgreSQL settings the JSON line reports (README "Benchmarks": the figures hold for a server sized for the data).
POSTGRES_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "jit")  # jit: as the servers' sessions see it


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n")[0])
    p.add_argument("--entries", type=int, default=10_000_000)
    p.add_argument("--diners", type=int, default=5000)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs of each query first (a server is warm)")
    p.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    p.add_argument("--no-rollup", action="store_true", help="time the reports without the pre-aggregates")
    p.add_argument("--live", type=int, default=5000, help="entries booked after the rollup (a live tail)")
    p.add_argument("--quiet-wait", type=float, default=120.0, metavar="S",
                   help="wait up to S seconds for other processes to leave the cores idle before timing")
    p.add_argument("--quiet-below", type=float, default=0.3, metavar="CORES")
    p.add_argument("--no-pages", action="store_true", help="time the report queries only, not the back-office pages")
    p.add_argument("--database", help="time the queries again on a database an earlier --keep run filled "
                                      "(nothing is loaded or rolled up; the database is kept)")
    return p.parse_args(argv)


def migrate(url: str) -> None:
    """Schema and defaults through the canteen's own migrations."""
    from canteen import create_app
    from canteen.cli.setup import init_database
    from canteen.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": ""})
    with app.app_context():
        init_database()
        db.engine.dispose()


def fill(url: str, entries: int, diners: int, first_day: date, days: int) -> float:
    """Bulk-load people and the journal; returns the seconds it took."""
    started = time.perf_counter()
    per_day = max(1, -(-entries // days))  # ceiling: the last entry falls on the last day
    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("INSERT INTO department (code, name, active) SELECT 'D' || g, '部门' || g, true "
                     "FROM generate_series(1, 50) g")
        conn.execute("INSERT INTO terminal (code, name, key_hash, active) SELECT 'T' || g, '终端' || g, "
                     "repeat('0', 64), true FROM generate_series(1, 20) g")
        conn.execute("INSERT INTO person (staff_no, name, department_id, category_id, state, created_dt) "
                     "SELECT 'S' || g, '人员' || g, 1 + g %% 50, 1 + g %% 3, 'active', now() "
                     "FROM generate_series(1, %s) g", (diners,))
        conn.execute("INSERT INTO account (kind, person_id, balance) SELECT k, p.id, 0 FROM person p "
                     "CROSS JOIN (VALUES ('cash'), ('subsidy'), ('deposit')) AS kinds(k)")
        conn.commit()
        ids = dict(conn.execute("SELECT code, id FROM account WHERE code IS NOT NULL").fetchall())
        periods = [r[0] for r in conn.execute("SELECT id FROM meal_period ORDER BY start_time")]
        for low in range(1, entries + 1, CHUNK):
            high = min(entries, low + CHUNK - 1)
            conn.execute(_ENTRIES, {"low": low, "high": high, "per_day": per_day, "first": first_day,
                                    "diners": diners, "p1": periods[0], "p2": periods[1], "p3": periods[2]})
            conn.execute(_POSTINGS, {"low": low, "high": high, "revenue": ids["meal_revenue"],
                                     "refunds": ids["refunds"], "clearing": ids["clearing:wechat"]})
            conn.commit()
            print(f"  loaded {high:,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
        conn.execute("UPDATE account a SET balance = s.total FROM (SELECT account_id, sum(amount) AS total "
                     "FROM posting GROUP BY account_id) s WHERE s.account_id = a.id")
        conn.execute("UPDATE ledger_head SET last_id = %s", (entries,))
        conn.execute(REFUND_MEALS, {"low": 1, "high": entries})
        conn.execute(BOOKINGS, {"low": 1, "high": entries})
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - started


#: What the journal's trigger ``refund_meal_insert`` files for each refund of a meal (migration f7c3e5a9b2d4);
#: the bulk load runs with triggers off, so it files its refunds itself.
REFUND_MEALS = """
INSERT INTO refund_meal (refund_id, meal_id, business_date, terminal_id, meal_period_id, person_id, amount,
                         operator_id, created_dt)
SELECT r.id, m.id, m.business_date, m.terminal_id, m.meal_period_id, r.person_id, r.amount, r.operator_id, r.created_dt
FROM journal_entry r JOIN journal_entry m ON m.id = r.original_id AND m.kind = 'meal'
WHERE r.kind = 'refund' AND r.id BETWEEN %(low)s AND %(high)s
"""

#: 报餐: a booking for every 4th meal (one in ten of them cancelled), and for every 16th meal a booking of the
#: next diner, who mostly does not come (no-shows).
BOOKINGS = """
INSERT INTO meal_booking (person_id, meal_period_id, day, state, changed_dt, changed_by_id)
SELECT person_id, meal_period_id, business_date, CASE WHEN id %% 40 = 1 THEN 'cancelled' ELSE 'booked' END,
       created_dt - interval '1 day', person_id
FROM journal_entry WHERE kind = 'meal' AND id %% 4 = 1 AND id BETWEEN %(low)s AND %(high)s
UNION ALL
SELECT 1 + person_id %% (SELECT max(id) FROM person), meal_period_id, business_date, 'booked',
       created_dt - interval '1 day', 1 + person_id %% (SELECT max(id) FROM person)
FROM journal_entry WHERE kind = 'meal' AND id %% 16 = 3 AND id BETWEEN %(low)s AND %(high)s
ON CONFLICT DO NOTHING
"""


#: Entry i: a top-up every 20th, a refund of the meal before it at i % 200 = 103, meals otherwise.
_ENTRIES = """
INSERT INTO journal_entry (id, kind, amount, method, created_dt, business_date, person_id, terminal_id,
                           meal_period_id, original_id, idempotency_key, prev_hash, hash)
SELECT i,
       CASE WHEN i % 20 = 0 THEN 'top_up' WHEN i % 200 = 103 THEN 'refund' ELSE 'meal' END,
       CASE WHEN i % 20 = 0 THEN 20000 WHEN i % 200 = 103 THEN 300 ELSE 600 + (i % 3) * 200 END,
       CASE WHEN i % 20 = 0 THEN 'wechat' ELSE 'wallet' END,
       (%(first)s::date + ((i - 1) / %(per_day)s)::int + time '07:00' + ((i % 3) * interval '5 hours'))
           AT TIME ZONE 'Asia/Shanghai',
       %(first)s::date + ((i - 1) / %(per_day)s)::int,
       CASE WHEN i % 20 = 0 THEN 1 + (i / 20) %% %(diners)s
            WHEN i % 200 = 103 THEN 1 + ((i - 1) * 7919) %% %(diners)s ELSE 1 + (i * 7919) %% %(diners)s END,
       CASE WHEN i % 20 = 0 THEN NULL ELSE 1 + i % 17 END,
       CASE WHEN i % 20 = 0 THEN NULL WHEN i % 3 = 0 THEN %(p1)s WHEN i % 3 = 1 THEN %(p2)s ELSE %(p3)s END,
       CASE WHEN i % 200 = 103 THEN i - 1 END,
       'bench:' || i, repeat('0', 64), repeat('0', 64)
FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i
""".replace("i % ", "i %% ")

_POSTINGS = """
INSERT INTO posting (entry_id, account_id, amount)
SELECT e.id, a.id, CASE WHEN e.kind = 'meal' THEN -e.amount ELSE e.amount END
FROM journal_entry e JOIN account a ON a.person_id = e.person_id AND a.kind = 'cash'
WHERE e.id BETWEEN %(low)s AND %(high)s
UNION ALL
SELECT e.id, CASE e.kind WHEN 'meal' THEN %(revenue)s WHEN 'refund' THEN %(refunds)s ELSE %(clearing)s END,
       CASE WHEN e.kind = 'meal' THEN e.amount ELSE -e.amount END
FROM journal_entry e WHERE e.id BETWEEN %(low)s AND %(high)s
"""


def roll_up(url: str) -> float:
    """The report pre-aggregates, as ``canteen reports rollup`` builds them; returns the seconds it took."""
    from canteen.reports.rollup import rollup

    started = time.perf_counter()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        rollup(session, batch=1_000_000,
               progress=lambda low, high: print(f"  rolled up {high:,} entries "
                                                f"({time.perf_counter() - started:.0f} s)", flush=True))
    engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        # As autovacuum would have done by the time a manager reads: the visibility map lets the tallies' covering
        # indexes answer without visiting the table (ANALYZE alone leaves every page "not all visible").
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def add_tail(url: str, entries: int, count: int, diners: int, last: date) -> None:
    """`count` more meals after the watermark, dated over the last three days (late offline replays
    included), with the same generator as the bulk load."""
    if count <= 0:
        return
    days = 3
    first = last - timedelta(days=days - 1)
    per_day = max(1, -(-count // days))
    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")
        ids = dict(conn.execute("SELECT code, id FROM account WHERE code IS NOT NULL").fetchall())
        periods = [r[0] for r in conn.execute("SELECT id FROM meal_period ORDER BY start_time")]
        conn.execute(_ENTRIES.replace("(i - 1) / %(per_day)s", "(i - %(low)s) / %(per_day)s"),
                     {"low": entries + 1, "high": entries + count, "per_day": per_day, "first": first,
                      "diners": diners, "p1": periods[0], "p2": periods[1], "p3": periods[2]})
        conn.execute(_POSTINGS, {"low": entries + 1, "high": entries + count, "revenue": ids["meal_revenue"],
                                 "refunds": ids["refunds"], "clearing": ids["clearing:wechat"]})
        conn.execute("UPDATE account a SET balance = s.total FROM (SELECT account_id, sum(amount) AS total "
                     "FROM posting GROUP BY account_id) s WHERE s.account_id = a.id")
        conn.execute("UPDATE ledger_head SET last_id = %s", (entries + count,))
        conn.execute(REFUND_MEALS, {"low": entries + 1, "high": entries + count})
        conn.commit()


def queries(last: date) -> dict:
    """Name -> callable(session) for every report, the work summary and the dashboard's live query."""
    month = Filters(start=last - timedelta(days=29), end=last)
    year = Filters(start=last - timedelta(days=364), end=last)
    day = Filters(start=last, end=last)
    found = {"work_summary_year": lambda s: reports.work_summary(s, year),
             "dashboard_today_headcount": lambda s: reports.headcount(s, day),
             "dashboard_today_funds": lambda s: reports.funds_summary(s, day),
             "dashboard_trend_30d": lambda s: reports.headcount(s, month)}
    for span, f in (("month", month), ("year", year)):
        found.update({
            f"headcount_{span}": lambda s, f=f: reports.headcount(s, f),
            f"consumption_by_department_{span}": lambda s, f=f: reports.consumption_summary(s, f, by="department"),
            f"consumption_by_day_{span}": lambda s, f=f: reports.consumption_summary(s, f, by="day"),
            f"consumption_detail_{span}": lambda s, f=f: reports.consumption_detail(s, f, limit=1000),
            f"topups_{span}": lambda s, f=f: reports.topup_summary(s, f),
            f"refunds_{span}": lambda s, f=f: reports.refund_report(s, f),
            f"cards_{span}": lambda s, f=f: reports.card_report(s, f),
            f"terminal_daily_{span}": lambda s, f=f: reports.terminal_daily(s, f),
            f"shifts_{span}": lambda s, f=f: reports.shift_settlement(s, f),
            f"funds_{span}": lambda s, f=f: reports.funds_summary(s, f),
            f"bookings_{span}": lambda s, f=f: booking_report(s, f),
        })
    two_departments = Filters(start=year.start, end=last, department_ids=(3, 4))
    found["headcount_departments_year"] = lambda s: reports.headcount(s, two_departments)
    found["balances_now"] = lambda s: reports.balance_report(s, day)
    found["statement_year"] = lambda s: reports.statement(s, Filters(start=year.start, end=last, person_id=1))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    args = parse_args(argv)
    # Stopped with SIGTERM, still drop the scratch database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    admin_url = os.environ.get("CANTEEN_BENCH_POSTGRES_URL", pg.DEFAULT_ADMIN_URL)
    name = args.database or f"canteen_bench_reports_{os.getpid()}"
    url = pg.database_url(admin_url, name)
    days = 365 * args.years
    last = date.today() - timedelta(days=1)
    load_seconds = rollup_seconds = None
    page_timings = {}
    if args.database:
        args.keep = True
    else:
        pg.create_database(admin_url, name)
    try:
        if not args.database:
            migrate(url)
            first = last - timedelta(days=days - 1)
            print(f"filling {args.entries:,} entries over {days} days for {args.diners} diners ...", flush=True)
            load_seconds = fill(url, args.entries, args.diners, first, days)
            if not args.no_rollup:
                print("rolling up the report pre-aggregates ...", flush=True)
                rollup_seconds = roll_up(url)
                add_tail(url, args.entries, args.live, args.diners, last)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                               **engine_options({"DATABASE_URL": url, "DB_POOL_SIZE": 2}))  # as the servers connect
        with engine.connect() as conn:  # the server's memory settings decide how much of the journal stays cached
            settings = {name: conn.exec_driver_sql(f"SHOW {name}").scalar() for name in POSTGRES_SETTINGS}
        timings = {}
        background = wait_for_quiet(args.quiet_wait, args.quiet_below, "the queries")
        with Session(engine) as session:
            for label, run in queries(last).items():
                for _ in range(args.warmup):
                    run(session)
                    session.rollback()
                samples = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    run(session)
                    samples.append((time.perf_counter() - started) * 1000)
                    session.rollback()
                timings[label] = {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}
                print(f"  {label:40s} p50 {timings[label]['p50']:9.1f} ms   p95 {timings[label]['p95']:9.1f} ms",
                      flush=True)
        engine.dispose()
        if not args.no_pages:
            print("back-office pages (signed in, through the app):", flush=True)
            page_timings = pages.time_pages(url, last, runs=args.runs, warmup=args.warmup)
    finally:
        if not args.keep:
            pg.drop_database(admin_url, name)
    p95 = {k: round(v["p95"], 1) for k, v in timings.items()}
    result = {"bench": "reports", "entries": args.entries, "diners": args.diners, "years": args.years,
              "load_seconds": None if load_seconds is None else round(load_seconds, 1), "cpus": os.cpu_count(),
              "rollup_seconds": None if rollup_seconds is None else round(rollup_seconds, 1),
              "live_tail_entries": 0 if args.no_rollup else args.live,
              "background_load_cores": round(background, 2), "postgres": settings, "p95_ms": p95,
              "max_p95_ms": max(p95.values()), "goal_max_p95_ms": 200}
    if page_timings:
        timed = {k: round(v["p95"], 1) for k, v in page_timings.items() if "p95" in v}
        result.update({"pages_p95_ms": timed, "pages_not_200": {k: v["status"] for k, v in page_timings.items()
                                                                 if "status" in v},
                       "pages_max_p95_ms": max(timed.values(), default=None),
                       "pages_slowest": max(timed, key=timed.get, default=None)})
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
