"""Configuration: defaults, then an optional config file, then ``CANTEEN_*`` environment variables.

Every key here is documented in README.md. A key ``X`` is set from the environment as
``CANTEEN_X``; values that parse as JSON (numbers, true/false) are taken as such.
"""
import os
import secrets
import tomllib
from pathlib import Path

DEFAULTS = {
    #: SQLAlchemy URL; empty means SQLite in the instance folder.
    "DATABASE_URL": "",
    #: Redis URL; empty means in-process substitutes (one process only).
    "REDIS_URL": "",
    #: Signs sessions and operator tokens; empty means a random key kept in the instance folder.
    "SECRET_KEY": "",
    #: The canteen's time zone: meal periods and business dates are local to it.
    "TIMEZONE": "Asia/Shanghai",
    #: Name printed on receipts and shown on terminals.
    "CANTEEN_NAME": "机关职工餐厅",
    #: Refunds above this many fen need a second operator's approval.
    "REFUND_APPROVAL_FEN": 5000,
    #: A second tap of the same card within this many seconds is refused.
    "DOUBLE_TAP_SECONDS": 60,
    #: The most fen one operation may move; anything above is refused as absurd.
    "MAX_AMOUNT_FEN": 1_000_000,
    #: Hours an operator token stays valid.
    "OPERATOR_TOKEN_HOURS": 12,
    #: Server plugins not to load, comma-separated (e.g. ``admin`` for an API-only node).
    "DISABLED_APPS": "",
    #: Database connection pool size per process (PostgreSQL).
    "DB_POOL_SIZE": 10,
    #: Threads per server process kept for event streams (one per terminal, one per open dashboard), on top of
    #: ``canteen serve --threads``; a stream beyond them is answered 503 rather than take a request's thread.
    "STREAM_THREADS": 32,
    #: Failed sign-ins accepted from one client address over every account and sign-in form (Flask-Limiter syntax).
    "SIGN_IN_ADDRESS_LIMIT": "300/hour",
    #: Largest JSON request body, in bytes; larger is refused with ``payload_too_large`` (canteen/request_guard.py).
    "MAX_JSON_BYTES": 4 * 1024 * 1024,
}


def load_config(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` from defaults, the config file, the environment and `test_config`."""
    app.config.update(DEFAULTS)
    path = os.environ.get("CANTEEN_CONFIG")
    if path:
        _load_file(app, Path(path))
    app.config.from_prefixed_env("CANTEEN")
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'canteen.db'}"
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)


def _load_file(app, path: Path) -> None:
    """Read a ``.toml`` or ``.py`` config file; keys are written without the CANTEEN_ prefix."""
    if path.suffix == ".toml":
        app.config.from_file(str(path.resolve()), load=tomllib.load, text=False)
    else:
        app.config.from_pyfile(str(path.resolve()))


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(config) -> dict:
    """Engine options per database. Pooled PostgreSQL connections idle for a while are pinged before use
    (:mod:`canteen.db_setup`), so a restarted PostgreSQL costs no request and a busy one no round trip."""
    if config["DATABASE_URL"].startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_size": int(config["DB_POOL_SIZE"]), "max_overflow": 10}


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so restarts keep sessions and tokens valid."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
