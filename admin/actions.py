"""Running one back-office action: call one service, commit, write the audit row, tell the operator."""
import re
import uuid

from flask import current_app, flash, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from admin import audit
from admin.formatting import error_text
from admin.security import remote_addr
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.money import parse_yuan
from canteen.services.common import Actor, Rules


def yuan_to_fen(text, *, allow_zero: bool = True) -> int:
    """``12.5`` -> 1250 (:func:`canteen.money.parse_yuan`); an empty field reads as zero."""
    return parse_yuan(text, allow_zero=allow_zero)


def actor() -> Actor:
    """The signed-in operator as the services' actor; the key comes from the form, so a resubmission is a retry."""
    key = (request.form.get("request_key") or "")[:64]
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        key = uuid.uuid4().hex
    return Actor(key=f"admin:{key}", operator=current_user.operator)


def rules() -> Rules:
    """The canteen's rules from the app config."""
    return Rules.from_config(current_app.config)


def new_request_key() -> str:
    """A fresh key for a form that may move money."""
    return uuid.uuid4().hex


def perform(action: str, target: str, fn, *, done: str, detail: str | None = None):
    """Run `fn` (which calls one service) in a transaction; audit and flash the outcome. Returns fn's result or None."""
    try:
        result = fn()
        db.session.flush()
    except DomainError as exc:
        db.session.rollback()
        _audit(action, target, "failed", f"{exc.code}: {exc.detail or ''} {detail or ''}".strip())
        flash(error_text(exc), "error")
        return None
    except IntegrityError:
        db.session.rollback()
        _audit(action, target, "failed", "duplicate or conflicting submission")
        flash("此操作已提交过或与现有记录冲突，未重复执行", "error")
        return None
    _audit(action, target, "ok", detail)
    flash(done)
    return result


def _audit(action, target, result, detail) -> None:
    audit.record(db.session, action=action, result=result, operator=current_user.operator,
                 remote_addr=remote_addr(), target=target, detail=detail)
    db.session.commit()
