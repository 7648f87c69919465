"""Error pages of the back office (400, 403, 404, 405, 500 and an expired form) in its own layout and language,
with a way back. The API keeps its JSON errors (:func:`canteen.api.errors.http_error_response`); the other faces
keep theirs.
"""
from urllib.parse import urlsplit

from flask import render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from canteen.api.errors import http_error_response
from admin.blueprint import bp
from canteen.extensions import db

#: The statuses that get a page of their own.
PAGES = (400, 403, 404, 405, 500)


def back_link() -> str:
    """Where "back" goes: the page the person came from on this site, else the home page."""
    referrer = request.referrer or ""
    here = urlsplit(request.host_url)
    there = urlsplit(referrer)
    if referrer and there.netloc == here.netloc and there.path.startswith("/admin"):
        return referrer
    return url_for("admin.index")


def error_page(status: int, kind: str | None = None, detail: str | None = None):
    """The page for `status` (`kind` ``csrf`` for an expired form), with the menu when someone is signed in."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the page must render even when the database is what failed
        pass
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return render_template("admin/error.html", status=status, kind=kind or str(status), detail=detail,
                           back=back_link(), me=current_user if signed_in else None,
                           role=current_user.role if signed_in else None), status


def blueprint_page(error: HTTPException):
    """The page for an HTTP error raised in one of the back office's views (a refused form token: expired)."""
    return error_page(error.code or 500, "csrf" if isinstance(error, CSRFError) else None)


def on_blueprint(blueprint) -> None:
    """Give `blueprint`'s views these pages (call once, where the blueprint is defined)."""
    for status in PAGES:
        blueprint.register_error_handler(status, blueprint_page)


def _app_page(error):
    """Unrouted paths (no blueprint matched): the back office's page under /admin, JSON under /api, else Flask's."""
    if request.path.startswith("/api/"):
        return http_error_response(error)
    if request.path == "/admin" or request.path.startswith("/admin/"):
        return error_page(error.code if isinstance(error, HTTPException) else 500)
    return error


def init_error_pages(app) -> None:
    """Pages for unknown paths and methods under /admin (no blueprint matched them)."""
    for status in (404, 405):
        app.register_error_handler(status, _app_page)


on_blueprint(bp)
