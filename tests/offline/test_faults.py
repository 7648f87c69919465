"""Faults the server side survives: SIGKILL mid-request, PostgreSQL restarted, Redis stopped, under taps.

A stream of taps runs the way a till does: online with retries under one key; when no answer comes, offline into
the outbox under that key. Afterwards every acknowledged tap is in the ledger exactly once and it verifies.
"""
import random
import threading
import time

from sqlalchemy import func, select

from canteen import create_app
from canteen.extensions import db
from canteen.models import JournalEntry
from canteen.services.verify import verify_ledger
from pos.api_client import ServerRefused, ServerUnreachable
from pos.offline.charging import OfflineRefused
from tests.offline.faults import OwnPostgres, OwnRedis, ServerProcess, wait_until
from tests.offline.kit import offline_link
from tests.world import World


class TapStream:
    """Taps on a thread until stopped; remembers every tap it acknowledged to the diner."""

    def __init__(self, link, uids) -> None:
        self.link, self.uids = link, uids
        self.online: list[str] = []
        self.offline = 0
        self.refused: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        rng = random.Random(7)
        while not self._stop.is_set():
            uid = rng.choice(self.uids)
            try:
                reply = self.link.client.post("/api/v1/taps", {"uid": uid})
                self.online.append(reply.key)
            except ServerUnreachable as exc:
                try:
                    self.link.charger.charge(uid, online_key=exc.body.get("key"))
                    self.offline += 1
                except OfflineRefused as refusal:
                    self.refused.append(refusal.code)
            except ServerRefused as exc:
                self.refused.append(exc.code)
            time.sleep(0.005)

    @property
    def acknowledged(self) -> int:
        """Taps the diner was told succeeded."""
        return len(self.online) + self.offline


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


def _settle(world: World, server: ServerProcess, link, stream: TapStream, terminal_id: int) -> None:
    wait_until(lambda: link.drain() and link.outbox.stats().pending == 0, 60, "outbox drained")
    world.session.expire_all()
    booked = world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.terminal_id == terminal_id, JournalEntry.kind == "meal"))
    assert stream.acknowledged > 50, (len(stream.online), stream.offline, stream.refused[:5])
    assert booked == stream.acknowledged, (booked, len(stream.online), stream.offline, stream.refused[:5])
    keys = [f"t{terminal_id}:{key}" for key in stream.online]
    found = world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.idempotency_key.in_(keys)))
    assert found == len(keys)
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
        _settle(world, server, link, stream, terminal_id)
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
            _settle(world, server, link, stream, terminal_id)
            link.outbox.close()
            db.session.remove()
            db.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        own_redis.stop()
        postgres.stop()
