"""Who is calling: terminals by their own key, operators by a signed token from ``/auth/login``."""
import hmac
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update

from canteen.api.errors import error_response
from canteen.api.schemas import LoginBody
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Terminal, utcnow
from canteen.rules.offline_seal import key_hash  # how a terminal key is stored
from canteen.services.audit_trail import record_audit
from canteen.services.signin import clean_username, sign_in_operator
from canteen.web_security import sign_in_limit

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Operator sign-in")

#: A terminal's last-seen time is written at most this often, to keep it off the hot path.
LAST_SEEN_EVERY = timedelta(seconds=60)
#: How long a process trusts what it read of a terminal (taps and charges only): a terminal deactivated or
#: given a new key is refused everywhere within this time.
TERMINAL_CACHE_SECONDS = 10.0


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="canteen-operator-token")


def operator_token(operator: Operator) -> str:
    """A signed token naming the operator; changing the password invalidates it."""
    return _serializer().dumps({"op": operator.id, "pw": operator.password_hash[-12:]})


@dataclass
class TerminalRef:
    """What the tap path needs of a terminal, cached per process for :data:`TERMINAL_CACHE_SECONDS`."""

    id: int
    code: str
    key_hash: str
    active: bool
    last_seen_dt: datetime | None
    read_at: float
    #: The key (UTF-8) that last matched `key_hash`: the next request with it needs no hashing.
    key_seen: bytes | None = None

    def key_matches(self, key: str | None) -> bool:
        """Whether `key` is this terminal's key (compared in constant time)."""
        given = (key or "").encode("utf-8", "surrogateescape")
        if self.key_seen is not None and hmac.compare_digest(self.key_seen, given):
            return True
        if hmac.compare_digest(self.key_hash, key_hash(key or "")):
            self.key_seen = given
            return True
        return False


_TERMINALS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_TERMINALS_LOCK = threading.Lock()


def cached_terminal(code: str | None, key: str | None, session=None) -> TerminalRef:
    """The terminal `code` from this process's cache (read again when older than the cache time), key checked.

    Reads and the last-seen write go through `session` (default: the app's); the write is committed.
    """
    session = session if session is not None else db.session
    engine = db.engine
    cache = _TERMINALS.get(engine)
    if cache is None:
        with _TERMINALS_LOCK:
            cache = _TERMINALS.setdefault(engine, {})
    now = time.monotonic()
    ref = cache.get(code)
    if ref is None or now - ref.read_at > TERMINAL_CACHE_SECONDS:
        row = session.execute(select(Terminal.id, Terminal.code, Terminal.key_hash, Terminal.active,
                                     Terminal.last_seen_dt).where(Terminal.code == code)).first() if code else None
        if row is None:
            raise DomainError("terminal_auth_failed")
        ref = cache[code] = TerminalRef(*row, read_at=now)
    if not ref.active or not ref.key_matches(key):
        raise DomainError("terminal_auth_failed")
    stamp = utcnow()
    if ref.last_seen_dt is None or stamp - ref.last_seen_dt > LAST_SEEN_EVERY:
        session.execute(update(Terminal).where(Terminal.id == ref.id).values(last_seen_dt=stamp))
        session.commit()
        ref.last_seen_dt = stamp
    return ref


def current_terminal(required: bool = True, *, cached: bool = False) -> Terminal | TerminalRef | None:
    """The terminal named by X-Terminal-Id / X-Terminal-Key, checked once per request.

    `cached` (taps and charges): a :class:`TerminalRef` from the process's cache instead of the
    ORM object, so a tap does not read the terminal every time.
    """
    if "terminal" in g:
        return g.terminal
    code, key = request.headers.get("X-Terminal-Id"), request.headers.get("X-Terminal-Key")
    terminal = None
    if cached and (code or key):
        terminal = cached_terminal(code, key)
    elif code or key:
        terminal = db.session.scalar(select(Terminal).where(Terminal.code == code)) if code else None
        if terminal is None or not terminal.active or not hmac.compare_digest(terminal.key_hash, key_hash(key or "")):
            raise DomainError("terminal_auth_failed")
        now = utcnow()
        stale = terminal.last_seen_dt is None or now - terminal.last_seen_dt > LAST_SEEN_EVERY
        if stale and request.method != "GET":
            terminal.last_seen_dt = now
            db.session.commit()
    elif required:
        raise DomainError("terminal_auth_failed")
    g.terminal = terminal
    return terminal


def current_operator(required: bool = True) -> Operator | None:
    """The operator named by the bearer token, if valid and still active."""
    if "operator" in g:
        return g.operator
    header = request.headers.get("Authorization", "")
    operator = None
    if header.startswith("Bearer "):
        max_age = int(current_app.config["OPERATOR_TOKEN_HOURS"]) * 3600
        try:
            claims = _serializer().loads(header[7:].strip(), max_age=max_age)
        except BadSignature:
            raise DomainError("operator_auth_failed") from None
        operator = db.session.get(Operator, claims.get("op"))
        if operator is None or not operator.active or operator.password_hash[-12:] != claims.get("pw"):
            raise DomainError("operator_auth_failed")
    elif required:
        raise DomainError("operator_auth_failed")
    g.operator = operator
    return operator


def _login_account() -> str:
    """Rate-limit key of the API sign-in: the account named in the body (the back office's key: one count)."""
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return "login:" + clean_username(name if isinstance(name, str) else "").lower()


def _login_limited(limit):
    """Over the hourly failure limit: refuse without checking the password, and say so in the audit log."""
    db.session.rollback()
    record_audit(db.session, action="api.login", result="denied", username=_login_account()[6:],
                 remote_addr=request.remote_addr, detail="rate_limited")
    db.session.commit()
    return error_response("too_many_attempts")


@blp.post("/auth/login")
@sign_in_limit(_login_account, _login_limited)
@blp.arguments(LoginBody)
@blp.doc(summary="Sign an operator in; returns a bearer token")
def login(body):
    """Check the password (the one sign-in service: lockout, audit) and hand out a token for the Authorization
    header."""
    result = sign_in_operator(db.session, username=body["username"], password=body["password"], now=utcnow(),
                              remote_addr=request.remote_addr, action="api.login")
    db.session.commit()
    if result.outcome == "locked":
        raise DomainError("account_locked", minutes=result.minutes)
    if not result.ok:
        raise DomainError("bad_credentials")
    operator = result.operator
    hours = int(current_app.config["OPERATOR_TOKEN_HOURS"])
    return jsonify(token=operator_token(operator), expires_in=hours * 3600,
                   operator={"id": operator.id, "username": operator.username, "name": operator.name,
                             "role": operator.role})
