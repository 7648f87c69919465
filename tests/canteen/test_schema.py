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
