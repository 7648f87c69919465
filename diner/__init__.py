"""Diners' self-service pages at ``/me/`` (自助查询与报餐), plugged into the server by the app factory.

Phone-sized, Chinese by default with English available. A diner signs in with staff number and password
(set up through a one-time code from a cashier or admin) and sees only their own wallets, history and
bookings; every figure and change comes from :mod:`canteen.reports` and :mod:`canteen.services`.
The kitchen's booking pages and the one-time code page sit in the back office (``/admin/bookings``,
``/admin/diner-code``) when the ``admin`` app is loaded.
"""
import os

from flask import request, session
from flask_babel import Babel

from canteen.web_security import init_web_security
from diner.blueprint import bp

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")


def _locale():
    """Only used when this app creates Babel (the back office absent or loaded later): its language choice."""
    if request and request.path.startswith("/admin"):
        return session.get("lang") or "zh_Hans_CN"
    return None


def init_app(app) -> None:
    """Register the self-service pages (and, beside the back office, the kitchen's booking pages)."""
    from diner import auth_views, booking_views, views  # noqa: F401  (the modules register their routes)

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")
    dirs = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    if TRANSLATIONS not in dirs:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{dirs};{TRANSLATIONS}"
    if "babel" not in app.extensions:
        Babel(app, locale_selector=_locale)
    elif TRANSLATIONS not in app.extensions["babel"].translation_directories:
        # Babel was set up by an app loaded before this one: it reads the directories only then.
        app.extensions["babel"].translation_directories.append(TRANSLATIONS)
    init_web_security(app)
    app.register_blueprint(bp)
    disabled = {name.strip() for name in str(app.config.get("DISABLED_APPS", "")).split(",")}
    if "admin" not in disabled:
        from diner.kitchen_views import kitchen

        app.register_blueprint(kitchen)
        app.jinja_env.globals["diner_admin_enabled"] = True
