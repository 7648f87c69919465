"""Diner mode: the kiosk page, the card-event stream, keyboard-wedge input and the till's status."""
from __future__ import annotations

import time

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
)

from flask_babel import get_locale, get_translations
from flask_babel import gettext as _

from pos import outcomes
from pos.api_client import ServerError
from pos.event_hub import stream
from pos.i18n import LANGUAGES
from pos.views.common import fail, till

bp = Blueprint("diner", __name__)
_MEAL_CACHE_SECONDS = 30.0


@bp.get("/")
def index():
    """The diner page: canteen name, clock, meal and price, health, and each tap's result."""
    settings = till().settings
    return render_template("diner.html", canteen=settings.canteen_name, terminal=settings.terminal_id,
                           idle_seconds=settings.idle_seconds, virtual_reader=settings.reader.kind == "virtual")


@bp.get("/events")
def events():
    """Server-sent events: ``tap``, ``card``, ``card_error``, ``card_removed``, ``health``, ``mode``, ``receipt``,
    ``offline`` (online or not, blacklist version, snapshot time, pending offline charges)."""
    transform = outcomes.localizer(str(get_locale()), get_translations().gettext)
    subscription = till().hub.subscribe()
    response = Response(stream_with_context(stream(subscription, transform=transform)),
                        mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.post("/wedge")
def wedge():
    """A burst typed by a keyboard-wedge reader (digits or hex, the Enter already stripped)."""
    if request.headers.get("X-Requested-With") != "pos":
        return fail("forbidden", _("请求来源不对"), 403)
    burst = str((request.get_json(silent=True) or {}).get("burst", ""))[:64]
    till().supervisor.feed_wedge(burst)
    return jsonify(ok=True)


@bp.post("/virtual-tap")
def virtual_tap():
    """The demo's virtual reader: tap the card whose UID was typed on the page (only with the virtual reader)."""
    if request.headers.get("X-Requested-With") != "pos":
        return fail("forbidden", _("请求来源不对"), 403)
    reader = till().supervisor.reader
    if till().settings.reader.kind != "virtual" or reader is None:
        return fail("not_found", _("本终端没有虚拟读卡器"), 404)
    uid = str((request.get_json(silent=True) or {}).get("uid", "")).strip()
    try:
        reader.tap(uid)
    except (ValueError, RuntimeError) as exc:
        return fail("invalid_uid", _("卡号应为十六进制，如 04A1B2C3（%(detail)s）", detail=exc))
    return jsonify(ok=True)


@bp.get("/status")
def status():
    """Health of reader, printer and server, and the mode, as JSON."""
    current = till()
    return jsonify(health=current.board.snapshot(), mode="cashier" if current.supervisor.cashier_mode else "diner",
                   offline=current.offline.state())


@bp.get("/meal")
def meal():
    """The meal period open now and its price(s), from the server (cached briefly)."""
    now = time.monotonic()
    _meal_cache = current_app.extensions.setdefault("pos_meal_cache", {"at": 0.0, "data": None})
    if _meal_cache["data"] is None or now - float(_meal_cache["at"]) > _MEAL_CACHE_SECONDS:
        try:
            body = till().client.get("/api/v1/meal-periods").body
        except ServerError as exc:
            return fail(exc.code, exc.message, 503)
        _meal_cache.update(at=now, data=body)
    body = _meal_cache["data"]
    period = next((p for p in body["periods"] if p["code"] == body["now"]), None)
    if period is None:
        return jsonify(name=None, prices=[], labelled=[])
    return jsonify(name=period["name"], start=period["start"], end=period["end"],
                   prices=sorted(set(period["prices"].values())),
                   labelled=labelled_prices(period["prices"], body.get("categories") or {}))


def labelled_prices(prices: dict, categories: dict) -> list[dict]:
    """The price line by category: ``[{"label": "职工/离退休", "amount": 1000}, ...]``, cheapest first; categories
    with the same price share one figure."""
    by_amount: dict[int, list[str]] = {}
    for category, fen in sorted(prices.items(), key=lambda item: (item[1], str(item[0]))):
        by_amount.setdefault(fen, []).append(str(categories.get(str(category), "")).strip())
    return [{"label": "/".join(name for name in names if name), "amount": fen} for fen, names in by_amount.items()]


@bp.get("/lang/<code>")
def language(code):
    """Switch this browser's language."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(request.referrer or "/")
