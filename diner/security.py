"""Who is signed in on the self-service pages, and the guards every page passes.

A diner's session remembers ``<person id>:<tail of the password hash>`` (changing the password signs
every other session out), goes after 30 idle minutes, and every form carries the CSRF token. Sign-in
failures are counted per staff number by Flask-Limiter (Redis when configured) on top of the lockout
kept in the database.
"""
import time
from functools import wraps

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError

from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import utcnow
from canteen.money import yuan
from canteen.services.audit_trail import record_audit
from canteen.services.diner_accounts import person_for_tag
from canteen.web_security import check_csrf
from diner.blueprint import bp

IDLE_SECONDS = 30 * 60
LANGUAGES = ("zh_Hans_CN", "en")


def lang() -> str:
    """The language chosen on these pages (Chinese unless English was picked)."""
    return session.get("diner_lang") or "zh_Hans_CN"


def render(template: str, status: int = 200, **context):
    """Render a page in the diner's language."""
    with force_locale(lang()):
        return render_template(template, **context), status


def current_diner():
    """The signed-in diner (a Person), or None."""
    if "diner_person" not in g:
        g.diner_person = person_for_tag(db.session, session.get("diner"))
    return g.diner_person


def signed_in(view):
    """Only a signed-in diner gets through; others go to the sign-in page."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if current_diner() is None:
            session.pop("diner", None)
            return redirect(url_for("diner.login"))
        return view(*args, **kwargs)
    return guarded


def today():
    """The canteen's business date now."""
    return business_date(utcnow(), current_app.config["TIMEZONE"])


def audit(action: str, result: str, staff_no: str | None, target: str | None = None, detail: str | None = None):
    """One audit row for a diner's action (the caller commits)."""
    record_audit(db.session, action=action, result=result, username=f"diner:{staff_no}" if staff_no else "diner:?",
                 remote_addr=request.remote_addr, target=target, detail=detail)


def _check_session():
    g.pop("diner_person", None)
    if "diner" not in session:
        return None
    now = time.time()
    idle = int(current_app.config.get("DINER_IDLE_SECONDS", IDLE_SECONDS))
    if now - session.get("diner_seen", 0) > idle:
        session.pop("diner", None)
        return redirect(url_for("diner.login")) if request.endpoint not in ("diner.login", "diner.setup") else None
    session["diner_seen"] = now
    return None


bp.before_request(_check_session)
bp.before_request(check_csrf)


@bp.errorhandler(CSRFError)
def _csrf_failed(exc):
    db.session.rollback()
    person = current_diner()
    audit(request.endpoint or "?", "denied", person.staff_no if person else None, request.path[:100],
          f"csrf: {exc.description}")
    db.session.commit()
    return render("diner/message.html", 400, message="页面已过期，请刷新后重试")


@bp.context_processor
def _inject():
    return {"diner": current_diner(), "yuan": yuan}
