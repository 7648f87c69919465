"""The JSON API at ``/api/v1`` for terminals and cashiers, with its OpenAPI 3 document."""
from flask import g
from flask_smorest import Api

from canteen.api import auth, cards, cashier, converters, guest_tickets, people, shifts, subsidies, sync, taps
from canteen.api.errors import http_error_response, register_error_handlers
from canteen.api.lane import TapLane
from canteen.api.openapi import AnswersPlugin
from canteen.api.schemas import Fen
from canteen.extensions import db
from canteen.services.blacklist_broker import init_publishing


class CanteenApi(Api):
    """flask-smorest's Api with our error format ``{"error": {"code", "message"}}``."""

    def handle_http_exception(self, error):
        """JSON errors for the API; other paths keep Flask's own pages."""
        return http_error_response(error)


def register_api(app) -> None:
    """Register every API blueprint and the OpenAPI document at ``/api/v1/openapi.json``."""
    app.config.setdefault("API_TITLE", "Canteen card and payment API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"components": {"securitySchemes": {
        "terminalId": {"type": "apiKey", "in": "header", "name": "X-Terminal-Id"},
        "terminalKey": {"type": "apiKey", "in": "header", "name": "X-Terminal-Key"},
        "operatorToken": {"type": "http", "scheme": "bearer"},
    }}})
    converters.install(app)
    api = CanteenApi(app, spec_kwargs={"extra_plugins": [AnswersPlugin()]})
    api.register_field(Fen, "integer", "int64")
    for module in (auth, taps, cashier, cards, people, shifts, subsidies, sync, guest_tickets):
        api.register_blueprint(module.blp)
    # Other middleware (request ids, tap timing, proxy headers) may wrap it: find it under extensions.
    app.wsgi_app = app.extensions["tap_lane"] = TapLane(app, app.wsgi_app)
    register_error_handlers(app)
    init_publishing(app, db.session)

    @app.before_request
    def _forget_callers():
        # g lives as long as the app context, which a test client shares between requests.
        g.pop("terminal", None)
        g.pop("operator", None)
