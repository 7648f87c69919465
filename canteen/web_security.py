"""What every page an operator or diner signs in to shares: cookie defaults, CSRF, the sign-in rate limiter and
the security headers of every answer.

The back office (``admin``) and the self-service pages (``diner``) each call :func:`init_web_security`; whichever
comes first sets the app up and the other finds it done. One :data:`limiter` serves both and the API's sign-in, so
their sign-in limits live in one storage (Redis when ``REDIS_URL`` is set, else this process's memory) under one key
prefix. The app factory calls :func:`init_security_headers` for every answer of every blueprint.
"""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

limiter = Limiter(key_func=get_remote_address)
#: Failed sign-ins an hour per account that are even looked at (the lockout kept in the database comes first).
SIGN_IN_FAILURES = "100/hour"
#: Failed sign-ins an hour from one client address, over every account and sign-in form (``SIGN_IN_ADDRESS_LIMIT``).
SIGN_IN_ADDRESS_FAILURES = "300/hour"

#: The Content-Security-Policy of every answer: no inline script or style, no framing, no plugins.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_web_security(app) -> None:
    """Session cookie and CSRF defaults, the rate limiter's storage, and the ``csrf_token()`` template helper."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Flask defines these keys (SameSite as None), so setdefault would do nothing: set them unless configured.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # Redis down: each process keeps counting in memory; the lockout (in the database) holds regardless.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "canteen-admin")
    if limiter not in app.extensions.get("limiter", ()):
        limiter.init_app(app)
    app.jinja_env.globals.setdefault("csrf_token", generate_csrf)


def _failed(response) -> bool:
    return response.status_code == 401


def _address_limit() -> str:
    return str(current_app.config.get("SIGN_IN_ADDRESS_LIMIT") or SIGN_IN_ADDRESS_FAILURES)


def sign_in_limit(key_func, on_breach):
    """The rate limits of a sign-in form: only POSTs answered 401 count, per account as `key_func` names it and
    per client address (one count shared by every sign-in form and the API's)."""
    per_account = limiter.limit(SIGN_IN_FAILURES, key_func=key_func, methods=["POST"], deduct_when=_failed,
                                on_breach=on_breach)
    per_address = limiter.shared_limit(_address_limit, scope="sign-in-address", methods=["POST"],
                                       key_func=lambda: "sign-in-address:" + (request.remote_addr or ""),
                                       deduct_when=_failed, on_breach=on_breach)
    return lambda view: per_address(per_account(view))


def safe_next(target: str | None, prefix: str, default: str) -> str:
    """Where to go after a page: `target` when it is a plain path under `prefix`, else `default`.

    No other host (``//``, ``\\``), no control characters (a newline would split the Location header).
    """
    if (target and target.startswith(prefix) and "//" not in target and "\\" not in target
            and target.isprintable()):
        return target
    return default


#: Paths whose answers carry personal data and are never stored (static files excepted).
PERSONAL_PATHS = ("/api/", "/admin", "/me", "/pos")


def security_headers(response):
    """Add the security headers to every answer; signed-in pages and API answers are never stored."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    personal = request.path.startswith(current_app.config.get("PERSONAL_PATHS", PERSONAL_PATHS))
    if personal and request.endpoint != "static" and not (request.endpoint or "").endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security_headers(app, personal_paths: tuple[str, ...] = PERSONAL_PATHS) -> None:
    """Security headers on every answer of the app (the server's app factory, and the terminal's, where every
    page is personal: ``personal_paths=("/",)``)."""
    app.config["PERSONAL_PATHS"] = tuple(personal_paths)
    app.after_request(security_headers)


def check_csrf():
    """Every state-changing request must carry the session's CSRF token (form field or X-CSRFToken header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None
