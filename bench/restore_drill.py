"""The restore drill on a big journal: ``canteen backup`` and ``canteen restore-drill`` timed on millions of entries.

The journal is bulk-loaded as ``bench.reports`` loads it, then given its true hash chain (so ``ledger verify``
proves it), backed up and drilled with the real commands. Prints one JSON line.

    python -m bench.restore_drill --entries 10000000
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from bench import pg
from bench.reports import fill, migrate
from canteen.ledger.chain import GENESIS, HASHED_FIELDS, entry_hash

CHUNK = 50_000
_CANTEEN = "import sys; from canteen.cli.main import main; sys.argv[0] = 'canteen'; main()"


def rechain(url: str, entries: int) -> float:
    """Give every loaded entry its true ``prev_hash`` and ``hash`` (the load writes placeholders)."""
    started = time.perf_counter()
    prev = GENESIS
    columns = ", ".join(HASHED_FIELDS)
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")  # the journal's append-only guard is a trigger
        conn.execute("CREATE TEMP TABLE chain (id bigint PRIMARY KEY, prev_hash text, hash text)")
        for low in range(1, entries + 1, CHUNK):
            high = min(entries, low + CHUNK - 1)
            legs: dict[int, list] = {}
            for entry_id, account_id, amount in conn.execute(
                    "SELECT entry_id, account_id, amount FROM posting WHERE entry_id BETWEEN %s AND %s",
                    (low, high)):
                legs.setdefault(entry_id, []).append((account_id, amount))
            rows = io.StringIO()
            for row in conn.execute(f"SELECT {columns} FROM journal_entry WHERE id BETWEEN %s AND %s ORDER BY id",
                                    (low, high)):
                fields = dict(zip(HASHED_FIELDS, row))
                digest = entry_hash(prev, fields, legs.get(fields["id"], []))
                rows.write(f"{fields['id']}\t{prev}\t{digest}\n")
                prev_of_last, prev = prev, digest
            with conn.cursor().copy("COPY chain FROM STDIN") as copy:
                copy.write(rows.getvalue())
            conn.execute("UPDATE journal_entry e SET prev_hash = c.prev_hash, hash = c.hash FROM chain c "
                         "WHERE c.id = e.id")
            conn.execute("TRUNCATE chain")
            conn.commit()
            print(f"  chained {high:,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
        conn.execute("UPDATE ledger_head SET last_id = %s, last_hash = %s, prev_hash = %s",
                     (entries, prev, prev_of_last))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE journal_entry")
    return time.perf_counter() - started


def canteen(url: str, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CANTEEN, *args], capture_output=True, text=True,
                          env=dict(os.environ, CANTEEN_DATABASE_URL=url))
    seconds = time.perf_counter() - started
    print(done.stdout + done.stderr, flush=True)
    if done.returncode != 0:
        raise SystemExit(f"canteen {' '.join(args)} exited {done.returncode}")
    return seconds, done.stdout


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.restore_drill", description=__doc__.split("\n")[0])
    p.add_argument("--entries", type=int, default=10_000_000)
    p.add_argument("--diners", type=int, default=5000)
    p.add_argument("--jobs", type=int, default=1, help="parallel pg_restore jobs in the drill")
    p.add_argument("--database", help="drill a database an earlier run kept (nothing is loaded)")
    p.add_argument("--copy-of", metavar="NAME",
                   help="instead of loading, copy a database `bench.reports --keep` filled (CREATE DATABASE ... "
                        "TEMPLATE) and chain the copy")
    p.add_argument("--keep", action="store_true", help="keep the loaded database afterwards")
    args = p.parse_args(argv)
    admin_url = os.environ.get("CANTEEN_BENCH_POSTGRES_URL", pg.DEFAULT_ADMIN_URL)
    name = args.database or f"canteen_bench_drill_{os.getpid()}"
    url = pg.database_url(admin_url, name)
    load_seconds = chain_seconds = None
    try:
        if args.copy_of:
            started = time.perf_counter()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                                 sql.Identifier(args.copy_of)))
            with psycopg.connect(url) as conn:
                args.entries = conn.execute("SELECT max(id) FROM journal_entry").fetchone()[0]
            load_seconds = time.perf_counter() - started
            print(f"copied {args.copy_of} ({args.entries:,} entries) in {load_seconds:.0f} s", flush=True)
            chain_seconds = rechain(url, args.entries)
        elif not args.database:
            pg.create_database(admin_url, name)
            migrate(url)
            last = date.today() - timedelta(days=1)
            print(f"filling {args.entries:,} entries ...", flush=True)
            load_seconds = fill(url, args.entries, args.diners, last - timedelta(days=365 * 5 - 1), 365 * 5)
            chain_seconds = rechain(url, args.entries)
        with tempfile.TemporaryDirectory(prefix="canteen-drill-bench-") as folder:
            backup_seconds, _ = canteen(url, "backup", "--to", folder)
            drill_seconds, out = canteen(url, "restore-drill", "--from", folder, "--jobs", str(args.jobs))
            size = sum(f.stat().st_size for f in Path(folder).rglob("*.dump"))
    finally:
        if not (args.keep or args.database):
            pg.drop_database(admin_url, name)
    print(json.dumps({"bench": "restore_drill", "entries": args.entries, "cpus": os.cpu_count(),
                      "load_seconds": load_seconds and round(load_seconds, 1),
                      "chain_seconds": chain_seconds and round(chain_seconds, 1),
                      "backup_seconds": round(backup_seconds, 1), "dump_bytes": size, "jobs": args.jobs,
                      "drill_seconds": round(drill_seconds, 1), "drill": out.strip().splitlines()[0]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
