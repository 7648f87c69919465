"""The page's language: Chinese (zh_Hans_CN) by default, English on request, through Flask-Babel.

Message ids in templates are the Chinese text itself, so Chinese needs no catalogue; the English catalogue is
``pos/translations/en/LC_MESSAGES/messages.po``. After changing texts::

    pybabel extract -F pos/babel.cfg --no-wrap -o /tmp/pos.pot .
    pybabel update --no-wrap -i /tmp/pos.pot -d pos/translations
    (translate the new entries in messages.po, clear any "fuzzy")  &&  pybabel compile -d pos/translations

The compiled ``messages.mo`` is committed beside the ``.po``.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

DEFAULT_LOCALE = "zh_Hans_CN"
LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}


def N_(text: str) -> str:
    """Mark `text` for the catalogue (pybabel extracts ``N_``); translated when shown."""
    return text


def select_locale() -> str:
    """The language chosen on this browser (``/lang/<code>``), else the till's default."""
    chosen = session.get("lang") if request else None
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    """Register Flask-Babel on the terminal app."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
