"""The managers' and auditors' back office at ``/admin/`` (plugged into the server by the app factory)."""
from flask import Blueprint, current_app, render_template_string

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():
    """Where the back office will be."""
    return render_template_string(
        "<!doctype html><meta charset=utf-8><title>管理后台</title><h1>{{ name }} · 管理后台</h1>"
        "<p>管理后台（人员、卡片、报表、工作总结）正在建设中；账务可用 canteen ledger verify 核对。</p>",
        name=current_app.config["CANTEEN_NAME"])


def init_app(app) -> None:
    """Register the back office on the server app."""
    app.register_blueprint(bp)
