"""Diner categories and their limits, meal periods and prices, terminals (keys, last seen)."""
import re
import secrets
from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from admin.actions import perform, yuan_to_fen
from admin.blueprint import bp
from admin.security import READERS, WRITERS, requires
from canteen.api.auth import key_hash
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import DinerCategory, MealPeriod, MealPrice, Terminal, utcnow
from canteen.services.blacklist import blacklist_version
from canteen.services.offline_gaps import list_gaps
from canteen.services.terminal_state import freshness, is_online

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _count(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 1000:
        raise DomainError("invalid_input", f"次数无效：{raw[:10]}")
    return int(raw)


def _fen(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return yuan_to_fen(raw, allow_zero=False) if raw else None


def _code_name(limit: int = 50) -> tuple[str, str]:
    code, name = (request.form.get("code") or "").strip(), (request.form.get("name") or "").strip()
    if not _CODE.match(code) or not name or len(name) > limit:
        raise DomainError("invalid_input", "编码（字母数字）或名称无效")
    return code, name


def _by_id(model):
    raw = request.form.get("id") or ""
    if not raw:
        return None
    found = db.session.get(model, int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if found is None:
        raise DomainError("not_found")
    return found


@bp.get("/categories")
@requires(*READERS)
def categories():
    """Diner categories with their per-meal and per-day limits."""
    return render_template("admin/categories.html",
                           categories=list(db.session.scalars(select(DinerCategory).order_by(DinerCategory.id))))


@bp.post("/categories")
@requires(*WRITERS)
def category_save():
    """Create a category or change one's name and limits (empty: no limit)."""
    def save():
        code, name = _code_name()
        category = _by_id(DinerCategory)
        if category is None:
            category = DinerCategory(code=code, name=name)
            db.session.add(category)
        category.code, category.name = code, name
        category.per_meal_count, category.per_day_count = _count("per_meal_count"), _count("per_day_count")
        category.per_meal_amount, category.per_day_amount = _fen("per_meal_amount"), _fen("per_day_amount")
        return category

    perform("category.save", f"category:{(request.form.get('code') or '')[:32]}", save, done="人员类别已保存")
    return redirect(url_for("admin.categories"))


@bp.get("/meals")
@requires(*READERS)
def meals():
    """Meal periods and the price grid (period × category)."""
    periods = list(db.session.scalars(select(MealPeriod).order_by(MealPeriod.start_time)))
    cats = list(db.session.scalars(select(DinerCategory).order_by(DinerCategory.id)))
    prices = {(p.meal_period_id, p.category_id): p.price for p in db.session.scalars(select(MealPrice))}
    return render_template("admin/meals.html", periods=periods, categories=cats, prices=prices)


def _time(name: str) -> time:
    try:
        return time.fromisoformat((request.form.get(name) or "")[:8])
    except ValueError:
        raise DomainError("invalid_input", f"时间格式应为 HH:MM：{(request.form.get(name) or '')[:10]}") from None


@bp.post("/meals")
@requires(*WRITERS)
def meal_save():
    """Create or change a meal period (window, weekdays, active) and its prices per category."""
    def save():
        code, name = _code_name()
        start, end = _time("start_time"), _time("end_time")
        weekdays = "".join(sorted(set(request.form.get("weekdays") or "")))
        if start >= end or not weekdays or not set(weekdays) <= set("1234567"):
            raise DomainError("invalid_input", "时段须开始早于结束，星期为 1-7 的数字")
        period = _by_id(MealPeriod)
        if period is None:
            period = MealPeriod(code=code, name=name, start_time=start, end_time=end)
            db.session.add(period)
        period.code, period.name, period.start_time, period.end_time = code, name, start, end
        period.weekdays, period.active = weekdays, request.form.get("active", "1") == "1"
        db.session.flush()
        existing = {p.category_id: p for p in db.session.scalars(
            select(MealPrice).where(MealPrice.meal_period_id == period.id))}
        for category in db.session.scalars(select(DinerCategory)):
            price = _fen(f"price_{category.id}")
            if price is None and category.id in existing:
                db.session.delete(existing[category.id])
            elif price is not None and category.id in existing:
                existing[category.id].price = price
            elif price is not None:
                db.session.add(MealPrice(meal_period_id=period.id, category_id=category.id, price=price))
        return period

    perform("meal_period.save", f"meal_period:{(request.form.get('code') or '')[:32]}", save, done="餐次与价格已保存")
    return redirect(url_for("admin.meals"))


@bp.get("/terminals")
@requires(*READERS)
def terminals():
    """Terminals: place, active, last seen and whether they are online."""
    found = list(db.session.scalars(select(Terminal).order_by(Terminal.code)))
    now = utcnow()
    online = {t.id: is_online(t, now) for t in found}
    version = blacklist_version(db.session)
    fresh = {t.id: freshness(t, version, now) for t in found}
    return render_template("admin/terminals.html", terminals=found, online=online, fresh=fresh,
                           server_version=version, gaps=list_gaps(db.session, include_resolved=False))


@bp.post("/terminals")
@requires("admin")
def terminal_save():
    """Add a terminal (its key is shown once), give a new key, or (de)activate one."""
    def save():
        code, name = _code_name(100)
        terminal, key = _by_id(Terminal), None
        if terminal is None or request.form.get("new_key"):
            key = secrets.token_urlsafe(32)
        if terminal is None:
            terminal = Terminal(code=code, name=name, key_hash=key_hash(key))
            db.session.add(terminal)
        elif key:
            terminal.key_hash = key_hash(key)
        terminal.code, terminal.name = code, name
        terminal.place = (request.form.get("place") or "").strip()[:100] or None
        terminal.active = request.form.get("active", "1") == "1"
        return key

    key = perform("terminal.save", f"terminal:{(request.form.get('code') or '')[:32]}", save, done="终端已保存")
    if key:
        flash(gettext("终端密钥（只显示这一次，请配置到终端上）：%(key)s", key=key))
    return redirect(url_for("admin.terminals"))


