"""The cashier's shift: open with the float, see it so far, close with the cash count and print 交班报表."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from pos import receipts
from pos.api_client import ServerRefused
from pos.views.common import body, cashier_api, operator, till, token, yuan_to_fen
from pos.views.money import queued

bp = Blueprint("shift", __name__, url_prefix="/cashier/api")


@bp.get("/shift")
@cashier_api
def current():
    """The open shift's report so far, or ``{"shift": null}``."""
    try:
        report = till().client.get("/api/v1/shifts/current", token=token()).body
    except ServerRefused as exc:
        if exc.code == "no_open_shift":
            return jsonify(shift=None)
        raise
    return jsonify(shift=report)


@bp.post("/shift/open")
@cashier_api
def open_():
    """Open a shift with the float counted into the drawer."""
    float_ = yuan_to_fen(body().get("opening_float") or "0", allow_zero=True)
    reply = till().client.post("/api/v1/shifts/open", {"opening_float": float_}, token=token())
    return jsonify(shift=reply.body, message=_("已开班")), 201


@bp.post("/shift/close")
@cashier_api
def close():
    """Close the shift with the counted cash and queue the shift report."""
    counted = yuan_to_fen(body().get("counted_cash"), allow_zero=True)
    reply = till().client.post("/api/v1/shifts/close", {"counted_cash": counted}, token=token())
    ctx = till().context((operator() or {}).get("name"))
    job = queued(receipts.shift(ctx, reply.body, till().settings.terminal_id))
    return jsonify(shift=reply.body, job=job, message=_("已交班，交班报表正在打印"))
