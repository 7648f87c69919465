"""Signing in and out of the back office, changing one's password, choosing the language.

Five failed sign-ins in a row lock the account for 15 minutes; beyond that, at most 100
failures an hour per account are even looked at (Flask-Limiter, Redis when configured).
"""
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from admin import audit
from admin.blueprint import bp
from admin.security import SignedIn, remote_addr, requires, start_session
from canteen.extensions import db
from canteen.models import utcnow
from canteen.services.signin import clean_username, end_sessions, sign_in_operator
from canteen.web_security import safe_next, sign_in_limit

LANGUAGES = ("zh_Hans_CN", "en")


def _account_key() -> str:
    """Rate-limit key: the account named in the form, case-folded."""
    return "login:" + (request.form.get("username") or "").strip().lower()[:50]


def _rate_limited(limit):
    """On breach: record it and refuse without checking the password."""
    audit.record(db.session, action="login", result="denied", username=_account_key()[6:], remote_addr=remote_addr(),
                 detail="rate_limited")
    db.session.commit()
    return render_template("admin/login.html", error="登录失败次数过多，请稍后再试"), 429


def check_password_rules(password: str, username: str) -> str | None:
    """Why `password` is not acceptable, or None: 10+ characters, letters and digits, not the user name."""
    if len(password or "") < 10:
        return "密码至少 10 位"
    if len(password) > 128:
        return "密码过长"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "密码须同时包含字母和数字"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    return None


def hash_password(password: str) -> str:
    """How passwords are stored (werkzeug scrypt)."""
    return generate_password_hash(password)


def _safe_next(target: str | None) -> str:
    return safe_next(target, "/admin", url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limit(_account_key, _rate_limited)
def login():
    """The sign-in form; a wrong password or a locked account answers 401 (the one sign-in service decides)."""
    if request.method == "GET":
        return render_template("admin/login.html")
    username = clean_username(request.form.get("username"))
    now = utcnow()
    result = sign_in_operator(db.session, username=username, password=request.form.get("password"), now=now,
                              remote_addr=remote_addr())
    db.session.commit()
    if result.outcome == "locked":
        return render_template("admin/login.html", error=f"账户已锁定，请 {result.minutes} 分钟后再试"), 401
    if not result.ok:
        return render_template("admin/login.html", error="用户名或密码错误", username=username), 401
    operator = result.operator
    session.clear()
    login_user(SignedIn(operator))
    start_session(operator)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@requires("admin", "manager", "auditor", "cashier")
def logout():
    """Sign out."""
    operator = current_user.operator
    end_sessions(db.session, operator)  # every copy of this session's cookie, and the operator's other sessions
    audit.record(db.session, action="logout", result="ok", operator=operator, remote_addr=remote_addr())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires("admin", "manager", "auditor", "cashier")
def change_password():
    """Change one's own password (the old one is asked again)."""
    if request.method == "GET":
        return render_template("admin/password.html")
    operator = current_user.operator
    old, new = request.form.get("old") or "", request.form.get("new") or ""
    problem = None if check_password_hash(operator.password_hash, old) else "原密码不正确"
    problem = problem or check_password_rules(new, operator.username)
    if problem:
        audit.record(db.session, action="password.change", result="failed", operator=operator,
                     remote_addr=remote_addr(), detail=problem)
        db.session.commit()
        return render_template("admin/password.html", error=problem), 400
    operator.password_hash = hash_password(new)
    end_sessions(db.session, operator)
    audit.record(db.session, action="password.change", result="ok", operator=operator, remote_addr=remote_addr())
    db.session.commit()
    login_user(SignedIn(operator))
    flash("密码已修改")
    return redirect(url_for("admin.index"))


@bp.get("/lang/<code>")
def choose_language(code: str):
    """Switch the back office's language (Chinese by default, English available)."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))
