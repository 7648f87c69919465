"""One Flask-Babel setup for the server's web apps: Chinese (``zh_Hans_CN``) by default, English on request.

The back office (``admin``) and the self-service pages (``diner``) each call :func:`init_babel` with their own
catalogue and, if they have one, their own way of choosing the language. Whichever app comes first creates Babel;
the other adds its catalogue and selector to it, so the load order changes nothing.
"""
from flask_babel import Babel

DEFAULT_LOCALE = "zh_Hans_CN"
#: Key in ``app.extensions`` of the apps' language selectors, asked in the order the apps were loaded.
SELECTORS = "canteen_locale_selectors"


def init_babel(app, translations_dir: str, locale_selector=None) -> None:
    """Add `translations_dir` to the app's catalogues and `locale_selector` to its language choice.

    A selector returns a locale name for the requests it knows (its own URL prefix) and None for the others;
    the first answer wins, and with none the default locale (Chinese) applies.
    """
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    dirs = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    if translations_dir not in dirs.split(";"):
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{dirs};{translations_dir}"
    selectors = app.extensions.setdefault(SELECTORS, [])
    if locale_selector is not None and locale_selector not in selectors:
        selectors.append(locale_selector)
    if "babel" not in app.extensions:
        Babel(app, locale_selector=lambda: _select(selectors))
    elif translations_dir not in app.extensions["babel"].translation_directories:
        # Babel reads the configured directories only when it is created: a later app adds its own here.
        app.extensions["babel"].translation_directories.append(translations_dir)


def _select(selectors) -> str | None:
    """The first language an app's selector picks for this request, else None (the default locale)."""
    for selector in selectors:
        locale = selector()
        if locale:
            return locale
    return None
