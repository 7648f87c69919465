"""Reading report filters from a request: dates, departments, categories, terminals, meal periods, a person."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Person, utcnow
from canteen.reports import Filters, check_filters

DIMENSION_ARGS = {"department": "department_ids", "category": "category_ids", "terminal": "terminal_ids",
                  "meal_period": "meal_period_ids"}


def today() -> date:
    """The canteen's business date now."""
    return business_date(utcnow(), current_app.config["TIMEZONE"])


def _date(args: MultiDict, name: str, default: date) -> date:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise DomainError("invalid_input", f"日期格式应为 YYYY-MM-DD：{text[:20]}") from None


def _ids(args: MultiDict, name: str) -> tuple[int, ...]:
    values = []
    for raw in args.getlist(name):
        for part in str(raw).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 12:
                raise DomainError("invalid_input", f"编号无效：{part[:20]}")
            values.append(int(part))
    return tuple(sorted(set(values)))


def parse_filters(args: MultiDict) -> Filters:
    """Filters from query arguments; the default period is this month so far. Bad input raises DomainError."""
    now = today()
    start = _date(args, "start", now.replace(day=1))
    end = _date(args, "end", now)
    person_id = None
    person = (args.get("person") or "").strip()
    if person:
        found = db.session.scalar(select(Person.id).where(Person.staff_no == person[:32]))
        if found is None and person.isdigit() and len(person) < 12:
            found = db.session.scalar(select(Person.id).where(Person.id == int(person)))
        if found is None:
            raise DomainError("person_not_found", person[:32])
        person_id = found
    filters = Filters(start=start, end=end, person_id=person_id, tz=current_app.config["TIMEZONE"],
                      **{field: _ids(args, arg) for arg, field in DIMENSION_ARGS.items()})
    return check_filters(db.session, filters)


def last_days(days: int) -> Filters:
    """The last `days` business days up to today."""
    now = today()
    return Filters(start=now - timedelta(days=days - 1), end=now, tz=current_app.config["TIMEZONE"])
