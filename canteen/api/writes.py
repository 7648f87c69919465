"""Every write goes through :func:`write`: an Idempotency-Key, an actor, one service call, one commit."""
import re
from collections.abc import Callable

from flask import current_app, jsonify, request

from canteen.api.auth import current_operator, current_terminal
from canteen.api.errors import refusal_body
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import utcnow
from canteen.services.common import Actor, Rules
from canteen.services.idempotency import fingerprint, run_once

_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")

#: The Idempotency-Key header as documented on every write.
KEY_PARAMETER = {"in": "header", "name": "Idempotency-Key", "required": True,
                 "schema": {"type": "string", "maxLength": 100},
                 "description": "Terminal sequence number or client UUID; a retry with the same key and body "
                                "returns the first result, the same key with another body is refused (409)."}


def rules() -> Rules:
    """The canteen's rules from the app config, built once per app."""
    cached = current_app.extensions.get("canteen_rules")
    if cached is None:
        cached = current_app.extensions["canteen_rules"] = Rules.from_config(current_app.config)
    return cached


def write(operation: str, body: dict, action: Callable[[Actor], tuple[int, dict]], *, late: bool = False):
    """Run `action` exactly once for this request's Idempotency-Key and answer with its result.

    `late`: the key's record is written with the result (see :func:`canteen.services.idempotency.run_once`).
    """
    header = request.headers.get("Idempotency-Key", "")
    if not header:
        raise DomainError("idempotency_key_missing")
    if not valid_key(header):
        raise DomainError("invalid_input", "Idempotency-Key: 1-100 letters, digits or . _ : -")
    terminal = current_terminal(required=False)
    operator = current_operator(required=False)
    if terminal is None and operator is None:
        raise DomainError("terminal_auth_failed")
    status, result, replayed = perform(operation, body, action, header=header, terminal=terminal,
                                       operator=operator, late=late, refusal=refusal_body)
    response = jsonify(result)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def valid_key(header: str) -> bool:
    """Whether an Idempotency-Key header has the allowed form."""
    return bool(_KEY.match(header))


def actor_for(header: str, terminal, operator) -> Actor:
    """The actor of a write: its Idempotency-Key scoped to the terminal (or the operator) that sent it."""
    scope = f"t{terminal.id}" if terminal else f"o{operator.id}"
    return Actor(key=f"{scope}:{header}", operator=operator, terminal=terminal, at=utcnow())


def perform(operation: str, body: dict, action: Callable[[Actor], tuple[int, dict]], *, header: str, terminal,
            operator, late: bool, refusal) -> tuple[int, dict, bool]:
    """The exactly-once run behind :func:`write`: the actor, the action; (status, body, replayed)."""
    actor = actor_for(header, terminal, operator)
    return run_once(db.session(), actor.key, fingerprint(operation, body), lambda: action(actor),
                    refusal=refusal, late=late)
