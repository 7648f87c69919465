"""Health checks for the proxy, the service manager and people.

- ``/healthz/live``: the process answers (no database, no Redis): restart it when this fails.
- ``/healthz/ready``: it can serve: the database answers and its schema is at the migrations' head; Redis is
  reported but never makes it unready (it only degrades live views). 503 when not ready: take it out of the
  proxy's rotation.
- ``/healthz``: the summary it always was (database, Redis, tap-lane fallbacks), plus the migrations; 200 when the
  database answers.
"""
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from canteen.api.lane import fallbacks
from canteen.extensions import db
from canteen.live import redis_status

bp = Blueprint("health", __name__)


@cache
def _heads(directory: str) -> frozenset[str]:
    """The migrations' head revisions shipped with this code."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _database() -> dict:
    """Whether the database answers, and whether its schema is at the shipped migrations' head."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
        heads = _heads(current_app.extensions["migrate"].directory)
        migrations = {"current": current == heads, "database": sorted(current), "code": sorted(heads)}
        return {"ok": True, "dialect": db.engine.dialect.name, "migrations": migrations}
    except Exception as exc:  # the point of a health check is to report any failure
        current_app.logger.warning("health check: database down: %s", exc)
        return {"ok": False, "error": type(exc).__name__}


@bp.get("/healthz/live")
def live():
    """The process is up and answering requests."""
    return jsonify(status="ok")


@bp.get("/healthz/ready")
def ready():
    """200 when this server can take traffic: database answering, schema at the migrations' head."""
    database = _database()
    is_ready = database["ok"] and database["migrations"]["current"]
    return (jsonify(status="ready" if is_ready else "not ready", database=database, redis=redis_status(current_app)),
            200 if is_ready else 503)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise; Redis being down only degrades."""
    database = _database()
    redis = redis_status(current_app)
    status = "ok" if database["ok"] and redis["ok"] else ("degraded" if database["ok"] else "down")
    return (jsonify(status=status, database=database, redis=redis, tap_lane={"fallbacks": fallbacks()}),
            200 if database["ok"] else 503)
