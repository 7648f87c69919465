"""The back office's home page: what this operator may open."""
from flask import render_template

from admin.blueprint import bp
from admin.security import requires


@bp.get("/")
@requires("admin", "manager", "auditor", "cashier")
def index():
    """Links to the pages the operator's role opens."""
    return render_template("admin/index.html")
