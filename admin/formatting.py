"""How figures read on the pages: money as yuan with two decimals, times in the canteen's zone."""
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale, gettext

from admin.blueprint import bp
from canteen.clock import local
from canteen.errors import DomainError
from canteen.money import yuan


def show(value, kind: str = "text") -> str:
    """A cell as text."""
    if value is None:
        return ""
    if kind == "fen":
        return yuan(value)
    if isinstance(value, datetime):
        return local(value, current_app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def error_text(exc: DomainError) -> str:
    """A domain error in the page's language; a detail the back office wrote is looked up in its catalog."""
    if not str(get_locale() or "").startswith("en"):
        return exc.message("zh")
    detail = gettext(exc.detail) if isinstance(exc.detail, str) else exc.detail
    return DomainError(exc.code, detail, **getattr(exc, "data", {})).message("en")


@bp.context_processor
def _helpers():
    """Formatting helpers for the back office's own templates only."""
    return {"yuan": yuan, "show": show}
