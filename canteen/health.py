"""Health checks for the proxy, the service manager and people.

- ``/healthz/live``: the process answers (no database, no Redis): restart it when this fails.
- ``/healthz/ready``: it can serve: the database answers and its schema is not behind this code's migrations
  (``current``, or ``ahead``: a newer release has migrated it and this server still runs, as in a rolling
  upgrade, whose migrations only add); Redis is reported but never makes it unready (it only degrades live
  views). 503 when not ready (the database is away, or ``behind``: migrations not run yet): keep it out of the
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
def _script(directory: str) -> ScriptDirectory:
    """The migrations shipped with this code."""
    return ScriptDirectory(directory)


def _schema_state(script: ScriptDirectory, current: set[str]) -> str:
    """``current`` (at this code's heads), ``ahead`` (a revision this code does not know: a newer release
    migrated it) or ``behind`` (an older revision of this code's, or none)."""
    if current == set(script.get_heads()):
        return "current"
    known = {rev.revision for rev in script.walk_revisions()}
    if current and not current <= known:
        return "ahead"
    return "behind"


def _database() -> dict:
    """Whether the database answers, and whether its schema is at the shipped migrations' head."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
        script = _script(current_app.extensions["migrate"].directory)
        state = _schema_state(script, current)
        migrations = {"state": state, "current": state == "current", "database": sorted(current),
                      "code": sorted(script.get_heads())}
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
    """200 when this server can take traffic: database answering, schema not behind this code."""
    database = _database()
    is_ready = database["ok"] and database["migrations"]["state"] in ("current", "ahead")
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
