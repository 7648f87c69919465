"""How figures read on the pages: one money format (``￥1,070.00``), one count format (``1,234``), times in the
canteen's zone, and the words for stored codes (:mod:`canteen.labels`) in the page's language.

Templates use the filters ``money``, ``number`` and ``label`` (``card.state|label('card_state')``); the
formats themselves are defined once in :mod:`canteen.money`.
"""
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale, gettext

from admin.blueprint import bp
from canteen import labels
from canteen.clock import local
from canteen.errors import DomainError
from canteen.money import count, yuan, yuan_sign


def page_lang() -> str:
    """``en`` or ``zh``: the language the page is shown in."""
    return "en" if str(get_locale() or "").startswith("en") else "zh"


def show(value, kind: str = "text") -> str:
    """A cell as text: money as ``￥1,234.50``, counts as ``1,234``, times in the canteen's zone."""
    if value is None:
        return ""
    if kind == "fen":
        return yuan_sign(value)
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return count(value)
    if isinstance(value, datetime):
        return local(value, current_app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    return str(value)


def label(code, kind: str) -> str:
    """The word for a stored code (a status, event, role, source...) in the page's language."""
    return labels.label(kind, code, page_lang())


def error_text(exc: DomainError) -> str:
    """A domain error in the page's language; a detail the back office wrote is looked up in its catalog."""
    if page_lang() != "en":
        return exc.message("zh")
    detail = gettext(exc.detail) if isinstance(exc.detail, str) else exc.detail
    return DomainError(exc.code, detail, **getattr(exc, "data", {})).message("en")


bp.add_app_template_filter(yuan_sign, "money")
bp.add_app_template_filter(count, "number")
bp.add_app_template_filter(label, "label")


@bp.context_processor
def _helpers():
    """Formatting helpers for the back office's own templates only (``yuan`` is the plain amount for inputs)."""
    return {"yuan": yuan, "show": show}
