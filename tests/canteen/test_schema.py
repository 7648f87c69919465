"""Every table comes from a migration, and the migrations match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from canteen.extensions import db
from canteen.models import Base


def test_migrations_create_exactly_the_models_tables(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_the_openapi_document_is_valid_and_documents_every_write_key(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "post" and path != "/api/v1/auth/login":
                names = [p.get("name") for p in operation.get("parameters", [])]
                assert "Idempotency-Key" in names, (method, path)


def test_healthz_reports_database_and_redis(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json["database"]["ok"] is True and r.json["redis"] == {"ok": True, "mode": "in-process"}


def test_healthz_says_degraded_when_redis_is_down_and_ok_when_it_answers(app, client, redis_url):
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("canteen_redis", None)
    assert client.get("/healthz").json["redis"] == {"ok": True, "mode": "redis"}
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("canteen_redis", None)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "degraded" and r.json["redis"]["ok"] is False


def test_a_booked_meal_is_published_for_live_views_and_a_dead_redis_does_not_stop_taps(app, client, world,
                                                                                      redis_url):
    import time

    import redis

    world.all_day_meal(price=500)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000, category=world.category("guest"))
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("canteen_redis", None)
    listener = redis.Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe("canteen:live")
    try:
        assert client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key)).status_code == 200
        deadline, message = time.monotonic() + 5, None
        while message is None and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1)  # the subscribe confirmation comes first
        assert message is not None and message["data"] == b"meal"
    finally:
        pubsub.close()
        listener.close()
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("canteen_redis", None)
    r = client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))
    assert r.status_code == 200 and r.json["cash_left"] == 4000
