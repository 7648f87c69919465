"""The landing page: every face of the product with where to sign in (and, in the demo, the demo accounts and a
few demo cards); ``/pos/`` explains where the terminal runs."""
from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from canteen.demo.seed import DEMO_PASSWORD, DINER_PASSWORD, demo_diners
from canteen.extensions import db
from canteen.models import Operator

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/pages-static")

#: The demo's sign-ins (canteen.demo.seed makes them); shown only when the demo's operators exist.
DEMO_ROLES = (("admin", "系统管理员"), ("manager", "经理"), ("cashier1", "收银员"), ("auditor", "审计员"))


def _terminal_url() -> str | None:
    """The demo terminal beside this server (port + 1), when the demo started one."""
    port = int(current_app.config.get("DEMO_TERMINAL_PORT") or 0)
    if not port:
        return None
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return f"{request.scheme}://{host}:{port}/"


def _demo() -> dict | None:
    """Demo accounts and a few cards to try, if this is the demo canteen."""
    try:
        usernames = set(db.session.scalars(select(Operator.username).where(
            Operator.username.in_([u for u, _ in DEMO_ROLES]))))
        if len(usernames) < len(DEMO_ROLES):
            return None
        cards = demo_diners(db.session, 5)
    except SQLAlchemyError:
        db.session.rollback()
        return None
    return {"password": DEMO_PASSWORD, "roles": DEMO_ROLES, "cards": cards, "diner_password": DINER_PASSWORD,
            "diners": [c.staff_no for c in cards[:3]]}


@bp.get("/")
def index():
    """The front page: where things are."""
    return render_template("pages/landing.html", canteen=current_app.config["CANTEEN_NAME"],
                           terminal=_terminal_url(), demo=_demo())


@bp.get("/pos/")
def pos():
    """Where the terminal's pages are."""
    return render_template("pages/pos.html", canteen=current_app.config["CANTEEN_NAME"], terminal=_terminal_url())
