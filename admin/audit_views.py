"""The audit log page, read by auditors and admins, with the chain's proof."""
from flask import render_template, request
from sqlalchemy import func, select

from admin.audit import verify_audit
from admin.blueprint import bp
from admin.security import requires
from canteen.extensions import db
from canteen.models import AuditEntry, Operator

PAGE = 100


@bp.get("/audit")
@requires("admin", "auditor")
def audit_log():
    """The latest audit rows (newest first), filterable by action and operator, and whether the chain holds."""
    query = select(AuditEntry, Operator.name).outerjoin(Operator, Operator.id == AuditEntry.operator_id)
    action = (request.args.get("action") or "").strip()[:64]
    who = (request.args.get("username") or "").strip()[:50]
    if action:
        query = query.where(AuditEntry.action == action)
    if who:
        query = query.where(func.lower(AuditEntry.username) == who.lower())
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    rows = db.session.execute(query.order_by(AuditEntry.id.desc()).limit(PAGE).offset((page - 1) * PAGE)).all()
    proof = verify_audit(db.session) if request.args.get("verify") else None
    return render_template("admin/audit.html", rows=rows, proof=proof, page=page, action=action, who=who, per_page=PAGE)
