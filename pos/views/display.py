"""The optional customer-facing second screen: open ``/display`` on a monitor turned to the diner."""
from __future__ import annotations

from flask import Blueprint, render_template

from pos.views.common import till

bp = Blueprint("display", __name__)


@bp.get("/display")
def index():
    """The diner's side of a cashier transaction: what was done, the amount and the balances after it."""
    settings = till().settings
    return render_template("display.html", canteen=settings.canteen_name, terminal=settings.terminal_id,
                           idle_seconds=max(settings.idle_seconds, 8))
