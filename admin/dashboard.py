"""The dashboard: today's live headcount per meal period and terminal, the last 30 days, money in and out.

Live figures are pushed over server-sent events: the stream wakes when anything is published on
the Redis channel :data:`CHANNEL` (or every few seconds) and sends the figures when they change.
Without Redis, or with Redis down, the page says so and polls ``live.json`` instead.
"""
import json
import time
from datetime import timedelta

import redis
from flask import Response, current_app, jsonify, render_template, stream_with_context
from flask_babel import gettext

from admin.blueprint import bp
from admin.filters import today
from admin.security import READERS, requires
from canteen import reports
from canteen.extensions import db
from canteen.live import LIVE_CHANNEL, redis_client
from canteen.money import count, yuan_sign
from canteen.reports import Filters
from canteen.today import live_figures as today_figures

#: Publishing anything here (e.g. after a meal is booked) wakes every dashboard stream.
CHANNEL = LIVE_CHANNEL


def live_figures() -> dict:
    """Today's live figures (:func:`canteen.today.live_figures`) with the money also as text for the page."""
    figures = today_figures(db.session, today(), current_app.config["TIMEZONE"])
    db.session.rollback()
    figures["visits_text"] = count(figures["visits"])
    figures["money_in_text"] = yuan_sign(figures["money_in"])
    figures["money_out_text"] = yuan_sign(figures["money_out"])
    for row in figures["periods"]:
        row.pop("id", None)
    return figures


def redis_ok() -> bool:
    """Whether live pushes can work (Redis configured and answering)."""
    client = redis_client(current_app)
    if client is None:
        return False
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@bp.get("/dashboard")
@requires(*READERS)
def dashboard():
    """Live figures, the 30-day trend, and whether live pushes work."""
    day = today()
    trend = reports.headcount(db.session, Filters(start=day - timedelta(days=29), end=day,
                                                  tz=current_app.config["TIMEZONE"]), count_people=False)
    per_day: dict = {}
    for row in trend.rows:
        per_day[row["date"].isoformat()] = per_day.get(row["date"].isoformat(), 0) + row["visits"]
    chart = {"labels": list(per_day), "series": [{"name": gettext("就餐人次"), "values": list(per_day.values()),
                                                  "type": "line"}]}
    return render_template("admin/dashboard.html", live=live_figures(), chart=chart, push=redis_ok())


@bp.get("/dashboard/live.json")
@requires(*READERS)
def dashboard_live():
    """The live figures for polling (the fallback when pushes are unavailable)."""
    return jsonify({**live_figures(), "push": redis_ok()})


@bp.get("/dashboard/stream")
@requires(*READERS)
def dashboard_stream():
    """Server-sent events: ``live`` with the figures whenever they change; ``degraded`` when Redis is away."""
    app = current_app._get_current_object()
    seconds = float(app.config.get("ADMIN_STREAM_SECONDS", 300))
    wake = float(app.config.get("ADMIN_STREAM_WAKE_SECONDS", 5))

    def events():
        client = redis_client(app)
        pubsub = None
        try:
            if client is None:
                yield "event: degraded\ndata: {\"reason\": \"no redis configured\"}\n\n"
                return
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            last, ends = None, time.monotonic() + seconds
            while time.monotonic() < ends:
                figures = json.dumps(live_figures(), ensure_ascii=False, sort_keys=True)
                if figures != last:
                    yield f"event: live\ndata: {figures}\n\n"
                    last = figures
                else:
                    yield ": keep-alive\n\n"
                pubsub.get_message(timeout=wake)
        except redis.RedisError as exc:
            yield f"event: degraded\ndata: {json.dumps({'reason': type(exc).__name__})}\n\n"
        finally:
            if pubsub is not None:
                try:
                    pubsub.close()
                except redis.RedisError:
                    pass
            db.session.remove()

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
