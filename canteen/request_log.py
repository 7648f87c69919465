"""Request ids and structured logs.

Every request carries an id: the caller's ``X-Request-Id`` when it is a sane token (the proxy's ``$request_id``,
a terminal's own), else a new one; it is echoed in the answer's ``X-Request-Id`` and put on every log line the
request writes. ``LOG_FORMAT = "json"`` writes JSON lines (python-json-logger) to stderr, one object per line with
``time``, ``level``, ``logger``, ``message`` and ``request_id``; ``"text"`` (the default) keeps plain lines.
"""
import itertools
import logging
import os
import re
import secrets
import sys
from contextvars import ContextVar

from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-Id"
_ENVIRON_KEY = "canteen.request_id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_ACCESS_ATOM = "{x-request-id}o"
_current: ContextVar[str] = ContextVar("canteen_request_id", default="-")


_made = {"pid": None, "prefix": "", "counter": itertools.count()}


def new_request_id() -> str:
    """A request id unique across processes and restarts: a random prefix per process, then a counter (cheaper
    than a UUID on every tap)."""
    if _made["pid"] != os.getpid():
        _made.update(pid=os.getpid(), prefix=secrets.token_hex(8), counter=itertools.count(1))
    return f"{_made['prefix']}{next(_made['counter']):08x}"


def request_id() -> str:
    """The id of the request this thread serves, ``-`` outside requests."""
    return _current.get()


class RequestIds:
    """WSGI middleware: take or make the request's id, keep it for the log lines, echo it in the answer."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if given and _SANE.match(given) else new_request_id()
        environ[_ENVIRON_KEY] = rid
        token = _current.set(rid)

        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, (HEADER, rid)], exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (the formatters show it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # gunicorn's access line is written after the answer, from the answer's header
            atoms = record.args if isinstance(record.args, dict) else {}
            record.request_id = atoms.get(_ACCESS_ATOM) or request_id()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


def text_formatter() -> logging.Formatter:
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def stderr_handler(log_format: str = "text") -> logging.Handler:
    """The canteen's log handler: stderr, request ids, the chosen format."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.canteen = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(json_formatter() if log_format == "json" else text_formatter())
    return handler


def configure(log_format: str) -> None:
    """One stderr handler on the root logger in the chosen format, with request ids; Flask's and gunicorn's
    loggers hand their records to it."""
    root = logging.getLogger()
    new = stderr_handler(log_format)
    old = next((h for h in root.handlers if getattr(h, "canteen", False)), None)
    if old is not None:
        old.setFormatter(new.formatter)
        return
    root.addHandler(new)
    if root.level == logging.WARNING:
        root.setLevel(logging.INFO)


def gunicorn_logconfig(log_format: str) -> dict:
    """gunicorn's logging (``logconfig_dict``): its error and access loggers hand their records to the canteen's
    handler on the root logger, so they come out in the same format."""
    quiet = {"level": "INFO", "handlers": [], "propagate": True}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {},
            "handlers": {"canteen": {"()": "canteen.request_log.stderr_handler", "log_format": log_format}},
            "root": {"level": "INFO", "handlers": ["canteen"]},
            "loggers": {"gunicorn.error": quiet, "gunicorn.access": quiet}}


def init_app(app) -> None:
    """Request ids on every request; the log format of ``LOG_FORMAT``."""
    configure(str(app.config.get("LOG_FORMAT") or "text"))
    app.logger.removeHandler(default_handler)  # it would print every line a second time, unformatted
    app.wsgi_app = RequestIds(app.wsgi_app)
