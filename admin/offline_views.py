"""Offline terminals in the back office: resolving a gap in a terminal's offline sequence (listed on the
terminal page)."""
from flask import abort, redirect, request, url_for

from admin.actions import actor, perform
from admin.blueprint import bp
from admin.security import WRITERS, requires
from canteen.extensions import db
from canteen.models import OfflineGap, utcnow
from canteen.services.offline_gaps import resolve_gap


@bp.post("/terminals/gaps/<int:gap_id>/resolve")
@requires(*WRITERS)
def offline_gap_resolve(gap_id: int):
    """Mark a gap as lost for good, with the operator's reason (audited); the terminal's queue goes on."""
    if db.session.get(OfflineGap, gap_id) is None:
        abort(404)
    reason = (request.form.get("reason") or "").strip()[:200]
    perform("offline_gap.resolve", f"offline_gap:{gap_id}",
            lambda: resolve_gap(db.session, actor(), gap_id=gap_id, reason=reason, now=utcnow()),
            done="缺号已处理", detail=reason)
    return redirect(url_for("admin.terminals"))
