"""The diner's own pages: wallets and spending, history with filters, report the card lost, balance reminder."""
import re
import uuid
from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Account, Card
from canteen.reports.base import KIND_LABELS
from canteen.reports.diner_history import KINDS, history, meal_spending
from canteen.services.cards import report_loss
from canteen.services.common import Actor
from canteen.services.diner_accounts import account_of, set_low_balance
from diner.blueprint import bp
from diner.security import audit, current_diner, lang, render, signed_in, today

_YUAN = re.compile(r"^\d{1,4}(?:\.\d{1,2})?$")


def _live_card(person_id: int) -> Card | None:
    return db.session.scalar(select(Card).where(Card.person_id == person_id, Card.state.in_(("active", "lost"))))


@bp.get("/")
@signed_in
def home():
    """Wallets, this month's and this year's meal spending, the card, the reminder."""
    return _home()


def _home(status: int = 200, error: str | None = None):
    me = current_diner()
    wallets = dict(db.session.execute(select(Account.kind, Account.balance).where(Account.person_id == me.id)).all())
    day = today()
    month = meal_spending(db.session, me.id, day.replace(day=1), day)
    year = meal_spending(db.session, me.id, day.replace(month=1, day=1), day)
    account = account_of(db.session, me.id)
    return render("diner/home.html", status, error=error, wallets=wallets, month=month, year=year,
                  card=_live_card(me.id),
                  threshold=account.low_balance_fen if account else None)


def _date(name: str, default: date) -> date:
    text = (request.args.get(name) or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise DomainError("invalid_date", text[:20]) from None


@bp.get("/history")
@signed_in
def history_page():
    """The diner's entries between two dates (default: the last 30 days), of one kind or all."""
    me, day = current_diner(), today()
    kind = request.args.get("kind") or ""
    try:
        start, end = _date("start", day - timedelta(days=30)), _date("end", day)
        if kind and kind not in KINDS:
            raise DomainError("invalid_input", kind[:20])
        if start > end or (end - start).days > 366 * 3:
            raise DomainError("invalid_date", f"{start} ~ {end}")
    except DomainError as exc:
        return render("diner/history.html", 400, error=exc.message(lang()), lines=[], kinds=KINDS, kind=kind,
                      labels=KIND_LABELS, start=request.args.get("start", ""), end=request.args.get("end", ""))
    lines = history(db.session, me.id, start, end, kind or None)
    return render("diner/history.html", lines=lines, kinds=KINDS, kind=kind, labels=KIND_LABELS, start=start, end=end)


@bp.post("/loss")
@signed_in
def loss():
    """Report the diner's own card lost (挂失): every terminal refuses it within seconds."""
    me = current_diner()
    card = _live_card(me.id)
    if card is None or card.state != "active":
        flash("没有可挂失的卡")
        return redirect(url_for("diner.home"))
    try:
        report_loss(db.session, Actor(key=f"diner:{uuid.uuid4().hex}"), card=card)
    except DomainError as exc:
        db.session.rollback()
        audit("card.report_loss", "failed", me.staff_no, f"card:{card.id}", exc.code)
        db.session.commit()
        flash(exc.message(lang()))
        return redirect(url_for("diner.home"))
    audit("card.report_loss", "ok", me.staff_no, f"card:{card.id}", "self-service")
    db.session.commit()
    flash("已挂失，此卡在各终端均不能再消费。找回后请到收银台解挂。")
    return redirect(url_for("diner.home"))


@bp.post("/reminder")
@signed_in
def reminder():
    """Set (yuan) or clear (empty) the low-balance reminder shown at every tap below it."""
    me = current_diner()
    text = (request.form.get("threshold") or "").strip()
    try:
        if text and not _YUAN.match(text):
            raise DomainError("invalid_amount", text[:20])
        whole, _, part = text.partition(".")
        set_low_balance(db.session, me, int(whole) * 100 + int((part + "00")[:2]) if text else None)
    except DomainError as exc:
        db.session.rollback()
        return _home(400, exc.message(lang()))
    db.session.commit()
    flash("提醒金额已保存" if text else "已关闭余额提醒")
    return redirect(url_for("diner.home"))
