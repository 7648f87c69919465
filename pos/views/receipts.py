"""Receipts at the till: the list of recent and failed ones, reprint as 副本, and 'paper is in, try now'."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from pos.views.common import cashier_api, fail, operator, till

bp = Blueprint("receipts", __name__, url_prefix="/cashier/api")


@bp.get("/receipts")
@cashier_api
def jobs():
    """Recent print jobs (``?status=failed`` for the failed ones only)."""
    status = request.args.get("status")
    if status not in (None, "queued", "printed", "failed"):
        return fail("invalid_input", _("status 只能是 queued、printed 或 failed"))
    return jsonify(jobs=till().desk.jobs(status), printer=till().desk.config is not None)


@bp.post("/receipts/<int:job_id>/reprint")
@cashier_api
def reprint(job_id):
    """Queue a copy marked 副本."""
    try:
        job = till().desk.reprint(job_id, (operator() or {}).get("name") or "")
    except LookupError:
        return fail("not_found", _("没有这张小票"), 404)
    return jsonify(job=job, message=_("副本已加入打印队列")), 201


@bp.post("/receipts/retry")
@cashier_api
def retry():
    """Try the waiting receipts now (after loading paper)."""
    till().desk.retry_now()
    return jsonify(message=_("正在重新打印等待中的小票"))
