"""Diners' self-service pages at ``/me/`` (自助查询与报餐), plugged into the server by the app factory.

Phone-sized, Chinese by default with English available. A diner signs in with staff number and password
(set up through a one-time code from a cashier or admin) and sees only their own wallets, history and
bookings; every figure and change comes from :mod:`canteen.reports` and :mod:`canteen.services`.
The kitchen's booking pages and the one-time code page belong to the back office (``admin/booking_views.py``),
which serves them while these pages are enabled.
"""
import os

from canteen.web_i18n import init_babel
from canteen.web_security import init_web_security
from diner.blueprint import bp

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")


def init_app(app) -> None:
    """Register the self-service pages (their language is chosen per page, see :func:`diner.security.render`)."""
    from diner import auth_views, booking_views, views  # noqa: F401  (the modules register their routes)

    init_babel(app, TRANSLATIONS)
    init_web_security(app)
    app.register_blueprint(bp)
