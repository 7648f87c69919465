"""Real processes for the operations tests: scratch PostgreSQL databases, seeded canteens, servers."""
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN_URL, _pg, _pg_db
from tests.services import missing_service


@pytest.fixture
def pg_url():
    """An empty PostgreSQL database of this test's own (dropped after)."""
    if not PG_ADMIN_URL:
        missing_service("PostgreSQL", "set CANTEEN_TEST_POSTGRES_URL (e.g. postgresql://root@127.0.0.1:5432/postgres)")
    name = f"canteen_ops_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield _pg_db(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def seeded(pg_url):
    """The database migrated and seeded as the lunch-rush benchmark seeds it: (url, card UIDs, terminals)."""
    from bench.canteen_server import make_app, seed

    uids, terminals = seed(make_app(pg_url), diners=200, terminals=8)
    return pg_url, uids, terminals
