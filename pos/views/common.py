"""Helpers every terminal view shares: the till, the signed-in operator, money input and error answers."""
from __future__ import annotations

from functools import wraps

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from canteen.errors import DomainError
from canteen.money import parse_yuan
from pos.api_client import UNREACHABLE, ServerError, ServerUnreachable
from pos.till import Till


class InputError(Exception):
    """The cashier typed something the till cannot send."""


def till() -> Till:
    """The running till of this app."""
    return current_app.extensions["pos"]


def yuan_to_fen(text: object, *, allow_zero: bool = False) -> int:
    """``"12.5"`` -> 1250 (:func:`canteen.money.parse_yuan`): the cashier keys yuan, the server takes fen."""
    try:
        fen = parse_yuan(text, allow_zero=True)
    except DomainError:
        raise InputError(_("金额格式不对，请输入如 12.50 的金额")) from None
    if fen == 0 and not allow_zero:
        raise InputError(_("金额必须大于零"))
    return fen


def operator() -> dict | None:
    """The operator signed in at this browser, or None."""
    return session.get("operator")


def token() -> str | None:
    """The operator's bearer token for the server, while this browser's sign-in is still the till's (not ended by
    signing out elsewhere or by inactivity, see :meth:`pos.supervisor.ReaderSupervisor.expire_cashier`)."""
    if not session.get("token"):
        return None
    supervisor = till().supervisor
    if session.get("till_epoch") != supervisor.cashier_epoch or not supervisor.cashier_mode:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        return None
    supervisor.touch_cashier()
    return session.get("token")


def fail(code: str, message: str, status: int = 400):
    """The terminal's JSON error, the same shape as the server's."""
    return jsonify(error={"code": code, "message": message}), status


def cashier_api(view):
    """A JSON endpoint for the signed-in cashier: checks sign-in and the same-origin header, maps errors."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST" and request.headers.get("X-Requested-With") != "pos":
            return fail("forbidden", _("请求来源不对"), 403)  # a cross-site form cannot set this header
        if not token():
            return fail("operator_auth_failed", _("请先登录"), 401)
        if request.method == "POST" and not till().offline.online:
            return fail("offline", _("脱机状态下不能办理充值、退款、发卡、挂失、清退等收银业务，请待网络恢复"), 503)
        try:
            with till().client.speaking(str(get_locale())):  # the server's refusals in the page's language
                return view(*args, **kwargs)
        except InputError as exc:
            return fail("invalid_input", str(exc))
        except (TypeError, ValueError) as exc:  # e.g. a person id that is not a number
            current_app.logger.warning("bad input to %s: %s", request.path, exc)
            return fail("invalid_input", _("输入内容有误，请检查后重试"))
        except ServerError as exc:
            if exc.code == "operator_auth_failed":
                session.clear()
                till().supervisor.set_cashier_mode(False)
            current_app.logger.info("server refused %s: %s", request.path, exc)
            # The server's refusals come in the page's language; no answer at all is said in this terminal's words.
            message = _(UNREACHABLE) if isinstance(exc, ServerUnreachable) else exc.message
            return fail(exc.code, message, exc.status or 503)
    return wrapper


def cashier_page(view):
    """A page for the signed-in cashier; others go to the sign-in page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not token():
            return redirect(url_for("signin.login"))
        return view(*args, **kwargs)
    return wrapper


def body() -> dict:
    """The JSON body of the request (empty when absent)."""
    return request.get_json(silent=True) or {}
