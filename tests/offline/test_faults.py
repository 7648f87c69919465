"""Faults the server side survives: SIGKILL mid-request, PostgreSQL restarted, Redis stopped, under taps.

A stream of taps runs the way a till does (tests/offline/tap_stream.py): online with retries under one key; when no
answer comes, offline into the outbox under that key. Afterwards every acknowledged tap is in the ledger exactly once
and it verifies.
"""
import random
import time

from canteen import create_app
from canteen.extensions import db
from canteen.services.verify import verify_ledger
from tests.offline.faults import OwnPostgres, OwnRedis, ServerProcess
from tests.offline.kit import offline_link
from tests.offline.tap_stream import TapStream, assert_booked_once, drain
from tests.world import World


def _prepare(world: World, diners: int = 20) -> tuple[str, str, int, list[str]]:
    world.all_day_meal(price=100)
    terminal, key = world.terminal()
    code, terminal_id = terminal.code, terminal.id
    uids, category = [], world.unlimited_category()
    world.all_day_meal(price=100)  # priced for the new category too
    for _ in range(diners):
        uids.append(world.diner(cash=1_000_000, category=category)[1].uid)
        world.session.commit()  # reading the UID began a transaction; SQLite would stay locked for the server
    return code, key, terminal_id, uids


def _settle(world: World, link, stream: TapStream, terminal_id: int) -> None:
    drain(link)
    world.session.expire_all()
    assert stream.acknowledged > 50, (len(stream.online), stream.offline, stream.refused[:5])
    assert_booked_once(world.session, terminal_id, stream)
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems


def test_server_sigkilled_20_times_under_taps_loses_and_doubles_nothing(world, database_url, tmp_path):
    code, key, terminal_id, uids = _prepare(world)
    server = ServerProcess(database_url, tmp_path).start()
    link = offline_link(server.url, code, key, tmp_path / "terminal", timeout=1.0)
    try:
        assert link.refresh_snapshot()
        rng = random.Random(20)
        with TapStream(link, uids) as stream:
            for _ in range(20):
                time.sleep(rng.uniform(0.1, 0.6))
                server.kill()
                time.sleep(rng.uniform(0.0, 0.3))
                server.start()
                link.drain()
            time.sleep(0.5)
        assert server.kills == 20
        _settle(world, link, stream, terminal_id)
    finally:
        server.stop()
        link.outbox.close()


def test_postgresql_restarted_and_redis_stopped_under_taps(tmp_path):
    postgres, own_redis = OwnPostgres(), OwnRedis()
    postgres.start()
    own_redis.start()
    url = postgres.url
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "t", "TESTING": True, "REDIS_URL": "",
                      "DOUBLE_TAP_SECONDS": 0})
    server = None
    try:
        with app.app_context():
            from canteen.cli.setup import init_database

            init_database()
            world = World(app)
            code, key, terminal_id, uids = _prepare(world)
            server = ServerProcess(url.replace("+psycopg", ""), tmp_path, redis_url=own_redis.url, workers=2).start()
            link = offline_link(server.url, code, key, tmp_path / "terminal", timeout=1.0)
            assert link.refresh_snapshot()
            db.session.remove()
            db.engine.dispose()
            with TapStream(link, uids) as stream:
                time.sleep(1.0)
                postgres.restart()
                time.sleep(1.0)
                own_redis.stop()
                before = stream.acknowledged
                time.sleep(1.5)
                assert stream.acknowledged > before  # payments go on without Redis
                postgres.restart()
                time.sleep(1.0)
            import requests

            health = requests.get(server.url + "/healthz", timeout=2).json()
            assert health["status"] == "degraded" and health["redis"]["ok"] is False
            _settle(world, link, stream, terminal_id)
            link.outbox.close()
            db.session.remove()
            db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        own_redis.stop()
        postgres.stop()
