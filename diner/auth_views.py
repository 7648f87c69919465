"""Signing in and out of the self-service pages, setting the password with a one-time code, the language."""
import time

from flask import redirect, request, session, url_for

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import utcnow
from canteen.services.diner_accounts import account_of, authenticate, session_tag, set_password_with_code
from canteen.services.signin import end_sessions
from canteen.web_security import safe_next, sign_in_limit
from diner.blueprint import bp
from diner.security import LANGUAGES, audit, current_diner, lang, render


def _staff_no() -> str:
    return (request.form.get("staff_no") or "").strip()[:32]


def _account_key() -> str:
    """Rate-limit key: the staff number in the form."""
    return "diner-login:" + _staff_no().lower()


def _rate_limited(limit):
    audit("diner.login", "denied", _staff_no(), detail="rate_limited")
    db.session.commit()
    template = "diner/setup.html" if request.endpoint == "diner.setup" else "diner/login.html"
    return render(template, 429, error="失败次数过多，请稍后再试")


def _refused(result, template: str, action: str):
    """Audit a failed or locked attempt, keep the count, and say why (never which part was wrong)."""
    audit(action, result.outcome, _staff_no(), detail=result.detail)
    db.session.commit()
    if result.outcome == "locked":
        return render(template, 401, error="账户已锁定", minutes=result.minutes, staff_no=_staff_no())
    error = "工号或验证码错误，或验证码已失效" if action == "diner.setup" else "工号或密码错误"
    return render(template, 401, error=error, staff_no=_staff_no())


def _start(person) -> None:
    """A fresh session for the diner (keeping only the language)."""
    chosen = session.get("diner_lang")
    session.pop("diner", None)
    session["diner"] = session_tag(account_of(db.session, person.id))
    session["diner_seen"] = time.time()
    if chosen:
        session["diner_lang"] = chosen


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limit(_account_key, _rate_limited)
def login():
    """Staff number and password; a wrong one or a locked account answers 401."""
    if request.method == "GET":
        return render("diner/login.html")
    result = authenticate(db.session, staff_no=_staff_no(), password=request.form.get("password"), now=utcnow())
    if not result.ok:
        return _refused(result, "diner/login.html", "diner.login")
    _start(result.person)
    audit("diner.login", "ok", result.person.staff_no, f"person:{result.person.id}")
    db.session.commit()
    return redirect(url_for("diner.home"))


@bp.route("/setup", methods=["GET", "POST"])
@sign_in_limit(_account_key, _rate_limited)
def setup():
    """Set the password with the one-time code a cashier gave; signs in on success."""
    if request.method == "GET":
        return render("diner/setup.html")
    form = request.form
    if (form.get("password") or "") != (form.get("password2") or ""):
        return render("diner/setup.html", 400, error="两次输入的密码不一致", staff_no=_staff_no())
    try:
        result = set_password_with_code(db.session, staff_no=_staff_no(), code=form.get("code"),
                                        password=form.get("password"), now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        return render("diner/setup.html", 400, error=exc.message(lang()), staff_no=_staff_no())
    if not result.ok:
        return _refused(result, "diner/setup.html", "diner.setup")
    _start(result.person)
    audit("diner.setup", "ok", result.person.staff_no, f"person:{result.person.id}", "password set with one-time code")
    db.session.commit()
    return redirect(url_for("diner.home"))


@bp.post("/logout")
def logout():
    """Sign out: every session of this diner ends (a copied cookie too)."""
    person = current_diner()
    if person is not None:
        end_sessions(db.session, account_of(db.session, person.id))
        db.session.commit()
    session.pop("diner", None)
    return redirect(url_for("diner.login"))


@bp.get("/lang/<code>")
def language(code: str):
    """Chinese (default) or English."""
    if code in LANGUAGES:
        session["diner_lang"] = code
    return redirect(safe_next(request.args.get("next"), "/me/", url_for("diner.home")))
