"""The managers' and auditors' back office at ``/admin/`` (plugged into the server by the app factory).

Chinese by default (Flask-Babel, ``zh_Hans_CN``), English available; every figure comes from
:mod:`canteen.reports`; every change goes through :mod:`canteen.services` and the audit log. The booking pages
and the diners' one-time codes (:mod:`admin.booking_views`) are served only beside the self-service pages.
"""
import os
from importlib.metadata import entry_points

from flask import request, session

from admin.blueprint import bp
from canteen.web_i18n import init_babel

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")


def _locale():
    """The language chosen in this session, else Chinese."""
    if request and request.path.startswith("/admin"):
        return session.get("lang") or "zh_Hans_CN"
    return None


def init_app(app) -> None:
    """Register the back office on the server app."""
    from admin import (  # noqa: F401  (the modules register their routes)
        audit_views,
        auth,
        card_views,
        compound,
        dashboard,
        formatting,
        guest_views,
        import_views,
        index,
        kitchen_views,
        navigation,
        offline_views,
        people_views,
        report_views,
        settings_views,
        shift_views,
        staff_views,
        subsidy_views,
        summary_views,
    )
    from admin.error_pages import init_error_pages
    from admin.security import init_security

    init_babel(app, TRANSLATIONS, _locale)
    init_security(app)
    init_error_pages(app)
    app.register_blueprint(bp)
    if _diner_enabled(app):
        from admin.booking_views import kitchen

        app.register_blueprint(kitchen)
        app.jinja_env.globals["diner_admin_enabled"] = True


def _diner_enabled(app) -> bool:
    """Whether the self-service pages are served: without them nobody books or signs in with a diner code."""
    disabled = {name.strip() for name in str(app.config.get("DISABLED_APPS", "")).split(",")}
    return "diner" not in disabled and bool(entry_points(group="canteen.apps", name="diner"))

