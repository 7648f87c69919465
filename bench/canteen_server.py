"""A canteen server and its data for the benchmarks: seeded through the services, run under gunicorn."""
import http.client
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from datetime import time as clock_time
from pathlib import Path

from bench import pg
from bench.client import TerminalCreds
from bench.cpu import children

PRICE = 1000          # fen per meal
OPENING_CASH = 500_000  # fen per diner: 500 meals, far more than a run taps
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩然欣怡晨阳"


def log(msg: str = "") -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------------------------- seeding

def make_app(url: str):
    from canteen import create_app

    return create_app({"DATABASE_URL": url, "DOUBLE_TAP_SECONDS": 0})


def seed(app, diners: int, terminals: int) -> tuple[list[str], list[TerminalCreds]]:
    """Migrate, then build the canteen through the services in large transactions."""
    from sqlalchemy import select, update
    from werkzeug.security import generate_password_hash

    from canteen.api.auth import key_hash
    from canteen.cli.setup import init_database
    from canteen.extensions import db
    from canteen.models import Department, DinerCategory, MealPeriod, MealPrice, Operator, Terminal
    from canteen.services.cards import issue_card
    from canteen.services.common import Actor, Rules
    from canteen.services.people import create_person
    from canteen.services.shifts import open_shift

    with app.app_context():
        init_database()
        session = db.session
        rules = Rules.from_config(app.config)
        session.execute(update(MealPeriod).values(active=False))
        category = DinerCategory(code="bench", name="压测不限")
        department = Department(code="BENCH", name="压测部门")
        period = MealPeriod(code="bench_allday", name="全天", start_time=clock_time(0, 0),
                            end_time=clock_time(23, 59, 59, 999999), weekdays="1234567")
        session.add_all([category, department, period])
        session.flush()
        for cat in session.scalars(select(DinerCategory)):
            session.add(MealPrice(meal_period_id=period.id, category_id=cat.id, price=PRICE))
        cashier = Operator(username="bench_cashier", name="压测收银员", role="cashier",
                           password_hash=generate_password_hash(secrets.token_hex(8), method="pbkdf2:sha256:1000"))
        session.add(cashier)
        session.flush()
        open_shift(session, Actor(key="bench:shift", operator=cashier), rules)
        session.commit()

        rng = random.Random(7)
        uids = []
        for i in range(diners):
            person = create_person(session, staff_no=f"B{i:06d}", name=rng.choice(SURNAMES) + rng.choice(GIVEN)
                                   + rng.choice(GIVEN), department=department, category=category)
            uid = f"B{i:07X}"
            issue_card(session, Actor(key=f"bench:issue:{i}", operator=cashier), rules, person=person, uid=uid,
                       top_up=OPENING_CASH, method="cash")
            uids.append(uid)
            if i % 1000 == 999:
                session.commit()
        creds = []
        for i in range(terminals):
            key = secrets.token_hex(32)
            session.add(Terminal(code=f"BT{i + 1:03d}", name=f"压测终端{i + 1}", place="一楼", key_hash=key_hash(key)))
            creds.append(TerminalCreds(f"BT{i + 1:03d}", key))
        session.commit()
        url = db.engine.url
        db.session.remove()
        db.engine.dispose()
    analyze(url)
    return uids, creds


def analyze(url) -> None:
    """VACUUM ANALYZE the freshly seeded database, as autovacuum would have long done in a canteen that runs
    (and as ``pgbench -i`` does for its tables): without statistics PostgreSQL plans the tap's joins as if
    every table were empty."""
    if url.get_backend_name() != "postgresql":
        return
    import psycopg

    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def verify(app, ok_answers: int) -> dict:
    """The ledger's own proof, and the meal entries booked against the 200 answers counted."""
    from sqlalchemy import func, select

    from canteen.extensions import db
    from canteen.models import JournalEntry
    from canteen.services.verify import verify_ledger

    with app.app_context():
        proof = verify_ledger(db.session)
        meals = db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))
        db.session.remove()
        db.engine.dispose()
    return {"ok": proof.ok, "problems": proof.problems, "entries": proof.entries, "postings": proof.postings,
            "meals": meals, "answers_match": meals == ok_answers}


# --------------------------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, url: str, port: int, instance: str) -> subprocess.Popen:
    env = dict(os.environ, CANTEEN_DATABASE_URL=url, CANTEEN_DOUBLE_TAP_SECONDS="0", CANTEEN_INSTANCE_DIR=instance)
    env.pop("CANTEEN_ACCESS_LOG", None)
    venv_bin = Path(sys.executable).parent
    if args.worker_class == "gthread":
        canteen = shutil.which("canteen", path=str(venv_bin)) or shutil.which("canteen")
        cmd = [canteen, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
               "--threads", str(args.threads)]
    elif args.worker_class == "gthread-direct":
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "30",
               "--timeout", "30", "--graceful-timeout", "5", "canteen:create_app()"]
    else:
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5", "canteen:create_app()"]
    log(f"server: {' '.join(cmd)}")
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=open(Path(instance) / "server.log", "w"))
    if not pg.wait_until(lambda: _healthy(port) or proc.poll() is not None, timeout=60, step=0.2) \
            or proc.poll() is not None:
        stop_server(proc)
        raise RuntimeError(f"server did not come up; see {instance}/server.log:\n"
                           + (Path(instance) / "server.log").read_text()[-3000:])
    # wait until every worker has booted (each answers /healthz by itself once up)
    pg.wait_until(lambda: len(children(proc.pid)) >= args.workers, timeout=30)
    return proc


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------------------------- profile
