"""The back office and the self-service pages share one Flask-Babel setup, whichever is loaded first."""
import pytest
from flask import Flask, session
from flask_babel import get_locale, gettext

import admin
import diner
from canteen.web_i18n import init_babel


def _app(order):
    """A bare app with the two catalogues set up in `order`, as the app factory would."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret"
    for name in order:
        if name == "admin":
            init_babel(app, admin.TRANSLATIONS, admin._locale)
        else:
            init_babel(app, diner.TRANSLATIONS)
    return app


@pytest.mark.parametrize("order", [("admin", "diner"), ("diner", "admin")])
def test_both_catalogues_read_in_english_in_either_order(order):
    app = _app(order)
    assert app.extensions["babel"].translation_directories.count(admin.TRANSLATIONS) == 1
    with app.test_request_context("/admin/bookings"):
        session["lang"] = "en"
        assert str(get_locale()) == "en"
        assert gettext("生成验证码") == "Create code"  # the back office's catalogue
        assert gettext("就餐自助") == "Self-service"  # the self-service pages' catalogue


@pytest.mark.parametrize("order", [("admin", "diner"), ("diner", "admin")])
def test_chinese_is_the_default_and_english_only_on_request(order):
    app = _app(order)
    with app.test_request_context("/admin/bookings"):
        assert str(get_locale()) == "zh_Hans_CN" and gettext("生成验证码") == "生成验证码"
    with app.test_request_context("/me/"):
        session["lang"] = "en"  # the back office's choice does not reach the self-service pages
        assert str(get_locale()) == "zh_Hans_CN"


def test_setting_up_twice_adds_nothing():
    app = _app(("admin", "admin", "diner", "diner"))
    dirs = app.extensions["babel"].translation_directories
    assert dirs.count(admin.TRANSLATIONS) == 1 and dirs.count(diner.TRANSLATIONS) == 1
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";").count(diner.TRANSLATIONS) == 1
