"""Who may do what in the back office: sign-in sessions, roles, timeouts, CSRF and the sign-in rate limit.

Roles: ``admin`` (everything), ``manager`` (reports and management), ``auditor`` (reads
reports and the audit log, changes nothing), ``cashier`` (signs in; works at the till).
"""
import time
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, logout_user
from flask_wtf.csrf import CSRFError

from admin import audit
from admin.blueprint import bp
from admin.error_pages import error_page
from canteen.extensions import db
from canteen.models import Operator
from canteen.web_security import check_csrf, init_web_security

#: Idle timeout and absolute session length, in seconds (30 minutes, 12 hours).
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600
READERS = ("admin", "manager", "auditor")
#: Requests a page makes by itself (live updates): they do not count as activity for the idle timeout.
PASSIVE = ("admin.dashboard_live", "admin.dashboard_stream")
WRITERS = ("admin", "manager")

login_manager = LoginManager()


class SignedIn(UserMixin):
    """The signed-in operator as Flask-Login sees it; the id names the password and the session generation, so
    changing the password or signing out ends every session of the operator."""

    def __init__(self, operator: Operator):
        self.operator = operator
        self.role = operator.role

    def get_id(self) -> str:
        """``<operator id>:<tail of the password hash>:<session generation>``."""
        return f"{self.operator.id}:{self.operator.password_hash[-12:]}:{self.operator.session_generation or 0}"


@login_manager.user_loader
def _load(user_id: str):
    op_id, tail, generation = ((user_id or "").split(":") + ["", ""])[:3]
    operator = db.session.get(Operator, int(op_id)) if op_id.isdigit() and len(op_id) < 19 else None
    if (operator is None or not operator.active or operator.password_hash[-12:] != tail
            or str(operator.session_generation or 0) != generation):
        return None
    return SignedIn(operator)


def remote_addr() -> str:
    """The client address as seen by the server (behind a proxy, configure ProxyFix)."""
    return request.remote_addr or ""


def requires(*roles: str):
    """Let only signed-in operators of `roles` through; others get the sign-in page or 403."""
    def wrap(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                if request.method not in ("GET", "HEAD"):
                    audit.record(db.session, action=request.endpoint or "?", result="denied",
                                 operator=current_user.operator, remote_addr=remote_addr(), target=request.path)
                    db.session.commit()
                abort(403)
            return view(*args, **kwargs)
        guarded.allowed_roles = roles
        return guarded
    return wrap


def start_session(operator: Operator) -> None:
    """Mark the times a fresh sign-in began."""
    now = time.time()
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = False


def check_session():
    """Sign out a session idle for 30 minutes or older than 12 hours; keep a live one alive."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    started, seen = session.get("signed_in_at", 0), session.get("seen_at", 0)
    idle = int(current_app.config.get("ADMIN_IDLE_SECONDS", IDLE_SECONDS))
    absolute = int(current_app.config.get("ADMIN_SESSION_SECONDS", ABSOLUTE_SECONDS))
    if now - seen > idle or now - started > absolute:
        operator = current_user.operator
        logout_user()
        session.clear()
        audit.record(db.session, action="session.expired", result="ok", operator=operator,
                     remote_addr=remote_addr(), detail="idle" if now - seen > idle else "absolute")
        db.session.commit()
        flash("登录已超时，请重新登录")
        return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
    if request.endpoint not in PASSIVE:
        session["seen_at"] = now
    return None


def init_security(app) -> None:
    """Sign-in manager, session checks and CSRF on the admin blueprint; the shared web security setup."""
    init_web_security(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = "请先登录"
    login_manager.session_protection = "basic"


bp.before_request(check_session)
bp.before_request(check_csrf)


@bp.context_processor
def _inject():
    return {"me": current_user, "role": getattr(current_user, "role", None)}


@bp.errorhandler(CSRFError)
def _csrf_failed(exc):
    """Refuse, and record who tried (a forged cross-site request shows up here)."""
    db.session.rollback()
    operator = current_user.operator if current_user.is_authenticated else None
    audit.record(db.session, action=request.endpoint or "?", result="denied", operator=operator,
                 username=None if operator else (request.form.get("username") or "")[:50] or None,
                 remote_addr=remote_addr(), target=request.path[:100], detail=f"csrf: {exc.description}")
    db.session.commit()
    return error_page(400, "csrf")
