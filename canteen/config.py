"""Configuration: defaults, then an optional config file, then ``CANTEEN_*`` environment variables.

Every key here is documented in README.md. A key ``X`` is set from the environment as
``CANTEEN_X``; values that parse as JSON (numbers, true/false) are taken as such.
"""
import os
import re
import secrets
import tomllib
from pathlib import Path

DEFAULTS = {
    #: SQLAlchemy URL; empty means SQLite in the instance folder. With a standby, list every server in libpq's
    #: multi-host form, ``postgresql://user@host1:5432,host2:5432/canteen?target_session_attrs=read-write``:
    #: each new connection goes to whichever server accepts writes (README "Backups, restore and standby").
    "DATABASE_URL": "",
    #: Optional database the back office's reports read from, e.g. the standby's single-host URL; empty means
    #: ``DATABASE_URL``. Only report queries use it (:func:`canteen.db_setup.reports_session`), never a path
    #: that moves money: a standby lags its primary by a moment and refuses writes.
    "REPORTS_DATABASE_URL": "",
    #: Where ``canteen backup`` puts backups and ``canteen restore-drill`` finds them; empty means
    #: ``<instance>/backups``.
    "BACKUP_DIR": "",
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
    #: Log lines as ``text`` or ``json`` (JSON lines), each with the request's id (:mod:`canteen.request_log`).
    "LOG_FORMAT": "text",
    #: ``/metrics`` needs ``Authorization: Bearer <token>`` when set; when empty it answers 127.0.0.1 only.
    "METRICS_TOKEN": "",
    #: Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host/-Port are trusted (0: none).
    "PROXY_COUNT": 0,
    #: Ed25519 private key file (PEM, mode 0600, made by ``canteen ledger keygen``) that signs the ledger's
    #: checkpoints; empty means no automatic checkpoints. Keep it off the database server.
    "CHECKPOINT_KEY": "",
    #: The public key (hex) ``ledger verify --checkpoints`` trusts; empty means the one of ``CHECKPOINT_KEY``.
    "CHECKPOINT_PUBLIC_KEY": "",
    #: The port of the demo's terminal (``canteen demo`` sets it to the server's port + 1); 0: none.
    "DEMO_TERMINAL_PORT": 0,
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
    if app.config["REPORTS_DATABASE_URL"]:
        reports_url = normalise_database_url(app.config["REPORTS_DATABASE_URL"])
        app.config["REPORTS_DATABASE_URL"] = reports_url
        app.config["SQLALCHEMY_BINDS"] = {"reports": {"url": reports_url,
                                                      **engine_options({**app.config, "DATABASE_URL": reports_url})}}


def _load_file(app, path: Path) -> None:
    """Read a ``.toml`` or ``.py`` config file; keys are written without the CANTEEN_ prefix."""
    if path.suffix == ".toml":
        app.config.from_file(str(path.resolve()), load=tomllib.load, text=False)
    else:
        app.config.from_pyfile(str(path.resolve()))


#: libpq's multi-host URL: ``scheme://[user[:password]@]host1[:port1],host2[:port2]/database[?query]``.
_MULTI_HOST = re.compile(r"^(?P<scheme>[a-z0-9+]+)://(?:(?P<auth>[^@/]*)@)?(?P<hosts>[^/?@]*,[^/?@]*)"
                         r"(?:/(?P<db>[^?]*))?(?:\?(?P<query>.*))?$")


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs, and write libpq's multi-host form
    (``host1:5432,host2:5432``) as SQLAlchemy's (``?host=host1:5432&host=host2:5432``), which psycopg receives
    as libpq's host and port lists: with ``target_session_attrs=read-write`` each connection finds the primary."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    multi = _MULTI_HOST.match(url)
    if multi and multi["scheme"] == "postgresql+psycopg":
        hosts = "&".join(f"host={host.strip()}" for host in multi["hosts"].split(",") if host.strip())
        auth = f"{multi['auth']}@" if multi["auth"] else ""
        query = f"{hosts}&{multi['query']}" if multi["query"] else hosts
        url = f"postgresql+psycopg://{auth}/{multi['db'] or ''}?{query}"
    return url


def engine_options(config) -> dict:
    """Engine options per database. Pooled PostgreSQL connections idle for a while are pinged before use
    (:mod:`canteen.db_setup`), so a restarted PostgreSQL costs no request and a busy one no round trip."""
    if config["DATABASE_URL"].startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    options = {"pool_size": int(config["DB_POOL_SIZE"]), "max_overflow": 10}
    if "options=" not in config["DATABASE_URL"]:
        # PostgreSQL's JIT compiles any statement its planner costs high (a report over a month of the journal)
        # before running it: 50-70 ms of compiling for a query that runs in 70 ms. None of ours gains from it.
        options["connect_args"] = {"options": "-c jit=off"}
    return options


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so restarts keep sessions and tokens valid."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
