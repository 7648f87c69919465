"""The canteen server's app factory: config, database, API, health check, pages, commands and the plugins
(back office, diner pages) found through the ``canteen.apps`` entry points."""
import os
from importlib.metadata import entry_points

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import migrations
from canteen import db_setup, health, metrics, pages, request_log
from canteen.api import register_api
from canteen.cli import register_commands
from canteen.config import load_config
from canteen.extensions import db, migrate
from canteen.request_guard import init_request_guard
from canteen.web_security import init_security_headers, init_web_security


def create_app(test_config: dict | None = None) -> Flask:
    """Build the server app: config, database, API, health check and the placeholder pages."""
    instance = os.path.abspath(os.environ.get("CANTEEN_INSTANCE_DIR", "instance"))
    app = Flask("canteen", instance_path=instance)
    load_config(app, test_config)
    db.init_app(app)
    db_setup.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True)

    init_security_headers(app)
    init_web_security(app)
    init_request_guard(app)
    register_api(app)
    _operations(app)
    app.register_blueprint(pages.bp)
    register_commands(app)
    disabled = {name.strip() for name in str(app.config["DISABLED_APPS"]).split(",") if name.strip()}
    for plugin in entry_points(group="canteen.apps"):
        if plugin.name not in disabled:
            plugin.load()(app)
    return app


def _operations(app: Flask) -> None:
    """Health checks, metrics, request ids and log format; the proxy's X-Forwarded-* headers when behind one."""
    app.register_blueprint(health.bp)
    metrics.init_app(app)
    request_log.init_app(app)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)


def _migrations_dir() -> str:
    """The migrations folder shipped beside the package (installed or in the work tree)."""
    return os.path.dirname(migrations.__file__)
