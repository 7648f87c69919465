"""API errors: every refusal is JSON ``{"error": {"code", "message"}}`` with a 4xx status."""
from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import InterfaceError as DBInterfaceError

from canteen.errors import CODES, DomainError
from canteen.extensions import db
from canteen.rules import refusals

#: Which error code a validation failure on a field gets; others are ``invalid_input``.
FIELD_CODES = {"uid": "invalid_uid", "new_uid": "invalid_uid", "amount": "invalid_amount",
               "amount_each": "invalid_amount", "deposit": "invalid_amount", "top_up": "invalid_amount",
               "fee": "invalid_amount", "opening_float": "invalid_amount", "counted_cash": "invalid_amount",
               "method": "invalid_method", "fee_method": "invalid_method", "expires_on": "invalid_date"}

#: Unique constraints a race can hit, and the refusal they mean.
CONSTRAINT_CODES = {"uq_card_live_uid": "card_uid_in_use", "uq_card_live_person": "person_has_card",
                    "uq_shift_open_operator": "shift_already_open", "uq_person_staff_no": "invalid_input"}


def _lang() -> str:
    best = request.accept_languages.best_match(["zh", "en"]) if request else None
    return best or "zh"


def error_response(code: str, message: str | None = None, status: int | None = None, **extra):
    """The one shape of every API error."""
    _, zh, en = CODES.get(code, (400, code, code))
    body = {"error": {"code": code, "message": message or (en if _lang() == "en" else zh), **extra}}
    return jsonify(body), status or CODES.get(code, (400,))[0]


def refusal_body(exc: DomainError) -> dict:
    """The JSON body of a domain refusal, in the request's language."""
    body = {"code": exc.code, "message": exc.message(_lang()), **exc.data}
    if exc.code in refusals.REFUSALS:  # a diner's refusal: the plain words the till shows, amounts in yuan
        body["text"] = refusals.text(exc.code, _lang(), exc.data)
    return {"error": body}


def http_error_response(error):
    """Werkzeug HTTP errors (404, 405, 422 from validation ...) as API errors under /api/."""
    if not request.path.startswith("/api/"):
        return error
    if getattr(error, "response", None) is not None:  # an answer made already (a sign-in limit's refusal)
        return error.response
    if error.code == 422:
        messages = (getattr(error, "data", None) or {}).get("messages", {})
        fields = {f: m for location in messages.values() for f, m in location.items()}
        field = next(iter(fields), None)
        code = FIELD_CODES.get(field, "invalid_input")
        return error_response(code, f"{field}: {fields[field]}" if field else None, 400, fields=fields)
    if error.code == 500:
        return error_response("internal_error", "服务器内部错误", 500)
    code = {400: "invalid_input", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "invalid_input",
            429: "too_many_attempts"}.get(
        error.code, "invalid_input")
    body, status = error_response(code, error.description, error.code)
    if error.code == 405 and getattr(error, "valid_methods", None):
        body.headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110: a 405 names the methods allowed
    return body, status


def register_error_handlers(app) -> None:
    """Domain refusals, database races and outages become API errors; the session is rolled back."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return jsonify(refusal_body(exc)), exc.status

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError):
        db.session.rollback()
        text = str(exc.orig)
        code = next((c for name, c in CONSTRAINT_CODES.items() if name in text), "conflict")
        current_app.logger.info("integrity refusal %s: %s", code, text.splitlines()[0])
        return error_response(code, status=409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBInterfaceError)
    def database_down(exc):
        db.session.rollback()
        current_app.logger.warning("database unavailable: %s", str(exc).splitlines()[0])
        return error_response("service_unavailable", status=503)
