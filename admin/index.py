"""The back office's home page: how is today (for the roles that read figures), else what this operator may open.

Every figure comes from :mod:`canteen.today`, which takes each from its one definition in the core.
"""
from flask import current_app, render_template
from flask_babel import gettext
from flask_login import current_user

from admin.blueprint import bp
from admin.filters import today
from admin.security import READERS, requires
from canteen import today as figures
from canteen.extensions import db
from canteen.models import utcnow


def _chart(lines) -> dict:
    """The meals-against-forecast chart's data for ECharts (see admin/static/admin/echart.js)."""
    return {"labels": [gettext(line.name) for line in lines],
            "series": [{"name": gettext("实际就餐"), "values": [line.visits for line in lines], "type": "bar"},
                       {"name": gettext("预测"), "values": [line.forecast or 0 for line in lines], "type": "bar"}]}


@bp.get("/")
@requires("admin", "manager", "auditor", "cashier")
def index():
    """Today at a glance for managers and auditors; a cashier's way to the till work."""
    if current_user.role not in READERS:
        return render_template("admin/index.html", glance=None)
    day, now = today(), utcnow()
    live = figures.live_figures(db.session, day, current_app.config["TIMEZONE"])
    lines = figures.meals_against_forecast(db.session, live, day)
    glance = {"day": day, "live": live, "lines": lines, "chart": _chart(lines),
              "forecast": sum(line.forecast or 0 for line in lines),
              "has_forecast": any(line.forecast is not None for line in lines),
              "terminals": figures.terminals_now(db.session, now), "pending": figures.pending_approvals(db.session),
              "gaps": figures.open_gaps(db.session)}
    db.session.rollback()
    return render_template("admin/index.html", glance=glance)
