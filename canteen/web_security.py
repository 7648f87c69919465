"""What every page an operator or diner signs in to shares: cookie defaults, CSRF and the sign-in rate limiter.

The back office (``admin``) and the self-service pages (``diner``) each call :func:`init_web_security`; whichever
comes first sets the app up and the other finds it done. One :data:`limiter` serves both, so their sign-in limits
live in one storage (Redis when ``REDIS_URL`` is set, else this process's memory) under one key prefix.
"""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

limiter = Limiter(key_func=get_remote_address)
#: Failed sign-ins an hour per account that are even looked at (the lockout kept in the database comes first).
SIGN_IN_FAILURES = "100/hour"


def init_web_security(app) -> None:
    """Session cookie and CSRF defaults, the rate limiter's storage, and the ``csrf_token()`` template helper."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # Redis down: each process keeps counting in memory; the lockout (in the database) holds regardless.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "canteen-admin")
    if limiter not in app.extensions.get("limiter", ()):
        limiter.init_app(app)
    app.jinja_env.globals.setdefault("csrf_token", generate_csrf)


def sign_in_limit(key_func, on_breach):
    """The rate limit of a sign-in form: only POSTs answered 401 count, per account as `key_func` names it."""
    return limiter.limit(SIGN_IN_FAILURES, key_func=key_func, methods=["POST"],
                         deduct_when=lambda response: response.status_code == 401, on_breach=on_breach)


def check_csrf():
    """Every state-changing request must carry the session's CSRF token (form field or X-CSRFToken header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None
