"""Placeholder pages for the terminal and the back office until their packages land."""
from flask import Blueprint, current_app, render_template_string

bp = Blueprint("pages", __name__)

_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{{ title }}</title>
<body>
<h1>{{ canteen }} · {{ title }}</h1><p>{{ text }}</p>
<ul><li><a href="/api/v1/openapi.json">API (OpenAPI 3)</a></li><li><a href="/healthz">健康检查 /healthz</a></li>
<li><a href="/pos/">终端 /pos/</a></li><li><a href="/admin/">管理后台 /admin/</a></li></ul></body></html>"""


def _page(title: str, text: str) -> str:
    return render_template_string(_PAGE, title=title, text=text, canteen=current_app.config["CANTEEN_NAME"])


@bp.get("/")
def index():
    """The front page: where things are."""
    return _page("就餐卡系统", "服务器正在运行。终端通过 /api/v1 接口刷卡、充值、退款和办卡。")


@bp.get("/pos/")
def pos():
    """Where the terminal's pages will be."""
    return _page("收银终端", "终端页面由 pos 程序提供（canteen terminal）；本服务器提供其使用的接口。")
