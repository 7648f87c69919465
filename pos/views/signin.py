"""Cashier sign-in: the operator's password goes to the server, the token it returns stays in the session.

While an operator is signed in the till is in cashier mode: taps fill the cashier's form instead of charging.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from pos.api_client import ServerError
from pos.views.common import cashier_page, operator, till

bp = Blueprint("signin", __name__, url_prefix="/cashier")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form, and signing in."""
    error = None
    if request.method == "POST":
        try:
            with till().client.speaking(str(get_locale())):
                reply = till().client.login(request.form.get("username", "").strip(),
                                            request.form.get("password", ""))
        except ServerError as exc:
            error = exc.message
        else:
            session.clear()
            till().supervisor.set_cashier_mode(True)
            session.update(token=reply.body["token"], operator=reply.body["operator"],
                           till_epoch=till().supervisor.cashier_epoch)
            return redirect(url_for("signin.cashier"))
    return render_template("login.html", error=error, canteen=till().settings.canteen_name,
                           terminal=till().settings.terminal_id), (401 if error else 200)


@bp.post("/logout")
def logout():
    """Sign out; the till goes back to diner mode."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    till().supervisor.set_cashier_mode(False)
    return redirect(url_for("diner.index"))


@bp.get("")
@cashier_page
def cashier():
    """The cashier's page."""
    settings = till().settings
    return render_template("cashier.html", operator=operator(), canteen=settings.canteen_name,
                           terminal=settings.terminal_id, title=_("收银"))
