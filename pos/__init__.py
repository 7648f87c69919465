"""The canteen terminal (till and kiosk): a small Flask app the till's browser opens on 127.0.0.1.

It reads cards through `cardreader`, prints through `printers` and books everything through the server's API.
Diner mode (``/``) shows each tap's result; cashier mode (``/cashier``) tops up, charges, refunds and manages
cards and shifts. Card events reach the page through server-sent events (``/events``).
"""
from __future__ import annotations

import atexit
from typing import Any, Mapping

from flask import Flask

from canteen.web_security import init_security_headers
from pos.config import settings_from
from pos.i18n import init_i18n
from pos.till import Till


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The terminal app, configured from ``CANTEEN_TERMINAL_*`` (and reader/printer) keys in the environment,
    overlaid with `config`. ``POS_START=False`` builds it without starting the reader and printer threads;
    ``POS_HEALTH_SECONDS`` (default 5) is how often the server and printer are checked."""
    config = dict(config or {})
    settings, secret = settings_from(config)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret, SESSION_COOKIE_SAMESITE="Strict")
    app.json.ensure_ascii = False
    app.config.update({k: v for k, v in config.items() if k.isupper() and not k.startswith("CANTEEN_")})
    app.config.setdefault("POS_WEDGE_GAP_MS", max(settings.reader.wedge_max_gap_ms, 50))
    till = Till(settings, health_interval=float(config.get("POS_HEALTH_SECONDS", 5.0)))
    app.extensions["pos"] = till
    init_i18n(app)
    # The same headers as the server's answers (CSP without inline code, no framing); every till page is personal.
    init_security_headers(app, personal_paths=("/",))
    app.context_processor(lambda: {"timezone": settings.timezone, "voice_amounts": settings.voice_amounts})

    from pos.views import approvals, cards, diner, money, receipts, shift, signin

    for module in (diner, signin, money, cards, shift, receipts, approvals):
        app.register_blueprint(module.bp)
    from pos.views import display, guest_tickets

    app.register_blueprint(guest_tickets.bp)
    app.register_blueprint(display.bp)
    if config.get("POS_START", True):
        till.start()
        atexit.register(till.stop)
    return app
