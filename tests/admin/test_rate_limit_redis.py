"""With Redis configured, the hourly sign-in failure limit is shared by every server process."""
import redis
from sqlalchemy import update

from canteen import create_app
from canteen.extensions import db
from canteen.models import Operator
from tests.admin.conftest import FreshClient, sign_in
from tests.conftest import REDIS_URL
from tests.services import missing_service


def _server(database_url):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "REDIS_URL": REDIS_URL})
    app.test_client_class = FreshClient
    return app


def test_failures_counted_in_redis_are_seen_by_another_server(database_url, world):
    if not REDIS_URL:
        missing_service("Redis", "set CANTEEN_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    manager = world.operator("manager")
    username, manager_id = manager.username, manager.id
    db.session.commit()  # nothing may hold SQLite's write lock while the other servers work
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*login:{username}*"):
        store.delete(key)
    first = _server(database_url)
    client = first.test_client()
    for i in range(100):
        if i % 4 == 0:
            db.session.execute(update(Operator).where(Operator.id == manager_id)
                               .values(failed_logins=0, locked_until_dt=None))
            db.session.commit()
        assert sign_in(client, username, "wrong-password-1").status_code == 401
    assert any(store.scan_iter(f"*login:{username}*"))
    second = _server(database_url)
    db.session.execute(update(Operator).where(Operator.id == manager_id).values(failed_logins=0, locked_until_dt=None))
    db.session.commit()
    assert sign_in(second.test_client(), username).status_code == 429
    for key in store.scan_iter(f"*login:{username}*"):
        store.delete(key)
    store.close()
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
