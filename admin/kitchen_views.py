"""The kitchen page (厨房备餐): the headcount forecast ahead and how past forecasts did; the manager's calendar."""
from datetime import date, timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from admin.actions import actor, perform
from admin.blueprint import bp
from admin.security import READERS, WRITERS, requires
from canteen.clock import local
from canteen.extensions import db
from canteen.forecast import read_basis
from canteen.money import count
from canteen.models import MealPeriod, utcnow
from canteen.models.forecast import CalendarDay
from canteen.services.forecasts import (
    CALENDAR_KINDS,
    delete_calendar_day,
    make_forecasts,
    past_days,
    set_calendar_day,
    upcoming,
)

WEEKDAYS = {1: "星期一", 2: "星期二", 3: "星期三", 4: "星期四", 5: "星期五", 6: "星期六", 7: "星期日"}


def basis_text(basis: str | None) -> str:
    """A forecast's basis (:func:`canteen.forecast.read_basis`) in the page's language (shown when the pointer
    rests on the figure); a form it does not know is shown as stored."""
    kind, values = read_basis(basis) or (None, {})
    if kind == "median":
        text = gettext("%(weekday)s近几周中位数 %(median)s × 近两周趋势 %(trend)s",
                       weekday=gettext(WEEKDAYS[int(values["weekday"])]), median=values["median"],
                       trend=values["trend"])
        return text + (gettext("；已报餐 %(booked)s 人", booked=count(int(values["booked"])))
                       if values["booked"] else "")
    if kind == "holiday":
        return gettext("节假日：过去 %(n)s 个节假日的中位数", n=values["n"])
    if kind == "not_served":
        return gettext("%(weekday)s不供应", weekday=gettext(WEEKDAYS[int(values["weekday"])]))
    if kind == "no_history":
        return gettext("没有历史数据")
    return basis or ""


def _today() -> date:
    return local(utcnow(), current_app.config["TIMEZONE"]).date()


@bp.get("/kitchen")
@requires(*READERS)
def kitchen():
    """Tomorrow and the next days per meal, then the last 4 weeks: forecast, actual, error and MAPE."""
    today = _today()
    if not upcoming(db.session, made_on=today):
        try:
            make_forecasts(db.session, made_on=today)
            db.session.commit()
        except IntegrityError:  # another request made today's forecast at the same moment
            db.session.rollback()
    ahead = upcoming(db.session, made_on=today)
    periods = db.session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                 .order_by(MealPeriod.start_time)).all()
    table: dict[date, dict[int, object]] = {}
    for forecast in ahead:
        table.setdefault(forecast.day, {})[forecast.meal_period_id] = forecast
    rows, error, missing = past_days(db.session, today=today, days=28)
    calendar = {d.day: d for d in db.session.scalars(select(CalendarDay).where(
        CalendarDay.day >= today - timedelta(days=28), CalendarDay.day <= today + timedelta(days=7)))}
    return render_template("admin/kitchen.html", today=today, periods=periods, ahead=table, past=rows,
                           mape=error, missing=missing, compared=sum(1 for r in rows if r.ape is not None),
                           calendar=calendar, weekdays=WEEKDAYS, basis_text=basis_text)


@bp.get("/calendar")
@requires(*READERS)
def calendar_days():
    """Holidays and swapped working days from a month ago on."""
    since = _today() - timedelta(days=31)
    days = db.session.scalars(select(CalendarDay).where(CalendarDay.day >= since).order_by(CalendarDay.day)).all()
    return render_template("admin/calendar.html", days=days, kinds=CALENDAR_KINDS, weekdays=WEEKDAYS)


@bp.post("/calendar")
@requires(*WRITERS)
def calendar_day_set():
    """Add a day, or change the one already there for that date."""
    form = request.form
    try:
        day = date.fromisoformat((form.get("day") or "")[:10])
    except ValueError:
        day = None
    raw = (form.get("as_weekday") or "").strip()
    as_weekday = int(raw) if raw.isdigit() and len(raw) == 1 else None
    perform("calendar.set", str(day), lambda: set_calendar_day(
        db.session, actor(), day=day, kind=form.get("kind"), name=form.get("name"), as_weekday=as_weekday),
        done="日历已保存")
    return redirect(url_for("admin.calendar_days"))


@bp.post("/calendar/<int:day_id>/delete")
@requires(*WRITERS)
def calendar_day_delete(day_id: int):
    """Make a day ordinary again."""
    db.session.get(CalendarDay, day_id) or abort(404)
    perform("calendar.delete", f"calendar_day:{day_id}",
            lambda: delete_calendar_day(db.session, actor(), day_id=day_id), done="已删除")
    return redirect(url_for("admin.calendar_days"))
