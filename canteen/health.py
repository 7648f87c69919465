"""``/healthz``: is the database answering, and is Redis (or its in-process substitute)?"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from canteen.api.lane import fallbacks
from canteen.extensions import db
from canteen.live import redis_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise; Redis being down only degrades."""
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True, "dialect": db.engine.dialect.name}
    except Exception as exc:  # the point of a health check is to report any failure
        db.session.rollback()
        current_app.logger.warning("health check: database down: %s", exc)
        database = {"ok": False, "error": type(exc).__name__}
    finally:
        db.session.remove()
    redis = redis_status(current_app)
    status = "ok" if database["ok"] and redis["ok"] else ("degraded" if database["ok"] else "down")
    return (jsonify(status=status, database=database, redis=redis, tap_lane={"fallbacks": fallbacks()}),
            200 if database["ok"] else 503)
