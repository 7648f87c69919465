"""Fixtures: an app on a fresh database per test (SQLite always, PostgreSQL when configured).

Each test gets a database copied from a template migrated once per session, so every table
comes from the migrations and tests never share rows.
"""
import itertools
import os
import shutil
import tempfile
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from canteen import create_app
from canteen.extensions import db
from tests.services import missing_service, services_required
from tests.world import World

# Nothing a test starts may write into the work tree's instance folder.
os.environ["CANTEEN_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="canteen-test-instance-")



def _redis_url_of_this_worker(url: str) -> str:
    """Tests flush their Redis database: under pytest-xdist each worker takes its own, the given database for
    gw0 and the ones below it for gw1, gw2 ... (databases 15, 14 ... with the README's setting)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


PG_ADMIN_URL = os.environ.get("CANTEEN_TEST_POSTGRES_URL", "")
REDIS_URL = _redis_url_of_this_worker(os.environ.get("CANTEEN_TEST_REDIS_URL", ""))
_counter = itertools.count()


def pytest_sessionfinish(session, exitstatus):
    """Under CANTEEN_REQUIRE_SERVICES=1 a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if services_required() and skipped:
        reporter.write_line(f"{len(skipped)} test(s) skipped under CANTEEN_REQUIRE_SERVICES=1: failing the run",
                            red=True)
        session.exitstatus = 1


#: Tests that drive the machine's one pcscd (and hold its lock for their session): one worker runs them all.
PCSCD_TESTS = ("tests/cardreader/", "tests/pos/test_pcsc_tap.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadgroup``: every test its own unit of work, except the pcscd tests, which go to one worker
    together. (xdist's own grouping by ``xdist_group`` marks renames node ids in a way pytest 9 ignores.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OnePcscd(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "pcscd" if nodeid.startswith(PCSCD_TESTS) else nodeid

    return OnePcscd(config, log)


def _migrate(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        from canteen.cli.setup import init_database

        init_database()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file to copy for each test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory):
    """A migrated PostgreSQL database to clone for each test (CREATE DATABASE ... TEMPLATE)."""
    if not PG_ADMIN_URL:
        return None
    admin = create_engine(_pg(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    name = f"canteen_tpl_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    _migrate(_pg_db(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _pg_db(name: str) -> str:
    base = _pg(PG_ADMIN_URL).rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template):
    """A fresh, migrated database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "canteen.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if not PG_ADMIN_URL:
        missing_service("PostgreSQL", "set CANTEEN_TEST_POSTGRES_URL (e.g. postgresql://root@127.0.0.1:5432/postgres)")
    template = request.getfixturevalue("pg_template")
    name = f"canteen_t_{os.getpid()}_{next(_counter)}"
    admin = create_engine(_pg(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    yield _pg_db(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def app(database_url):
    """The server app on this test's database, with rules that suit tests."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "DOUBLE_TAP_SECONDS": 0, "REDIS_URL": ""})
    with app.app_context():
        yield app
        db.session.remove()
        # The tap lane keeps its connection from one tap to the next when requests come one at a time (as
        # gunicorn's sync workers send them, and lane_taps in the tests): give it back before the pool goes.
        app.extensions["tap_lane"].release()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def world(app):
    """Builds canteen data through the same services production uses."""
    return World(app)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on 127.0.0.1 by a threaded server (one connection per request)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def redis_url():
    """A real Redis for tests that need one (database 15, flushed first)."""
    if not REDIS_URL:
        missing_service("Redis", "set CANTEEN_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        missing_service("Redis", f"{REDIS_URL} does not answer: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def key():
    """A fresh idempotency key."""
    return lambda: uuid.uuid4().hex
