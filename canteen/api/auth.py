"""Who is calling: terminals by their own key, operators by a signed token from ``/auth/login``."""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from canteen.api.schemas import LoginBody
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, Terminal, utcnow

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Operator sign-in")

#: A terminal's last-seen time is written at most this often, to keep it off the hot path.
LAST_SEEN_EVERY = timedelta(seconds=60)


def key_hash(key: str) -> str:
    """How a terminal key is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="canteen-operator-token")


def operator_token(operator: Operator) -> str:
    """A signed token naming the operator; changing the password invalidates it."""
    return _serializer().dumps({"op": operator.id, "pw": operator.password_hash[-12:]})


def current_terminal(required: bool = True) -> Terminal | None:
    """The terminal named by X-Terminal-Id / X-Terminal-Key, checked once per request."""
    if "terminal" in g:
        return g.terminal
    code, key = request.headers.get("X-Terminal-Id"), request.headers.get("X-Terminal-Key")
    terminal = None
    if code or key:
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


@blp.post("/auth/login")
@blp.arguments(LoginBody)
@blp.doc(summary="Sign an operator in; returns a bearer token")
def login(body):
    """Check the password and hand out a token for the Authorization header."""
    operator = db.session.scalar(select(Operator).where(Operator.username == body["username"]))
    if operator is None or not operator.active or not check_password_hash(operator.password_hash, body["password"]):
        raise DomainError("bad_credentials")
    hours = int(current_app.config["OPERATOR_TOKEN_HOURS"])
    return jsonify(token=operator_token(operator), expires_in=hours * 3600,
                   operator={"id": operator.id, "username": operator.username, "name": operator.name,
                             "role": operator.role})
