"""``seed_demo``: fill an empty canteen with a realistic, reproducible month.

The departments, operators and terminals are reference data and are added as rows; every
money movement (cards, top-ups, meals, refunds, subsidies, reissues, cancellations, shifts)
goes through the services with a back-dated actor. One transaction per simulated day keeps
SQLite fast; a failure leaves the days before it in place (the journal is append-only).
"""
import random
import time as timer
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from canteen.api.auth import key_hash
from canteen.clock import business_date
from canteen.defaults import seed_defaults
from canteen.demo.book import Booker, Cast
from canteen.demo.compound import seed_compound
from canteen.demo.names import DEPARTMENTS, roster
from canteen.demo.plan import Calendar, Period, day_events, draw_specials, opening_day
from canteen.models import (
    Card,
    Department,
    DinerCategory,
    JournalEntry,
    MealPeriod,
    MealPrice,
    Operator,
    Person,
    Terminal,
    utcnow,
)
from canteen.services.common import Rules
from canteen.services.diner_accounts import create_setup_code, set_password_with_code
from canteen.services.forecasts import make_forecasts

#: Password of every demo operator.
DEMO_PASSWORD = "canteen-demo"
#: username, name, role
OPERATORS = [
    ("admin", "系统管理员", "admin"),
    ("manager", "周建国", "manager"),
    ("cashier1", "王丽华", "cashier"),
    ("cashier2", "陈静", "cashier"),
    ("auditor", "赵敏", "auditor"),
]
#: code, name, place; the key of each is demo-key-<code>.
TERMINALS = [
    ("T01", "1号收银机", "机关食堂一楼东侧"),
    ("T02", "2号收银机", "机关食堂一楼西侧"),
]
DEFAULT_SEED = 20261128
#: Password of the demo diners who may sign in to /me/ (the first few card holders).
DINER_PASSWORD = "demo2026"
DINER_LOGINS = 3


def seed_demo(session: Session, people: int = 300, days: int = 30, *, seed: int = DEFAULT_SEED,
              today: date | None = None, now: datetime | None = None) -> str:
    """Build the demo canteen if the database has no people yet; return a one-line summary.

    `days` days of history end with today (default: the canteen's local date now), today's events up to `now`
    (default: the time now, or the end of an explicit `today`), so the dashboard's "today" has figures; cards
    are issued the day before the history starts. Forecasts are made as each day's cron would have made
    them. The same seed, date and time give the same data.
    """
    if people < 10 or days < 1:
        raise ValueError("the demo needs at least 10 people and 1 day")
    existing = session.scalar(select(func.count()).select_from(Person))
    if existing:
        return f"demo data not added: the database already has {existing} people"
    started = timer.perf_counter()
    rules = Rules.from_config(current_app.config) if has_app_context() else Rules()
    seed_defaults(session)
    zone = ZoneInfo(rules.timezone)
    if now is None:
        now = utcnow() if today is None else datetime.combine(today, time(23, 59, 59), zone)
    today = today or business_date(now, rules.timezone)
    window = [today - timedelta(days=days - 1 - n) for n in range(days)]
    rng = random.Random(seed)
    cal = Calendar(rng, rules.timezone)
    opening = window[0] - timedelta(days=1)
    cast = _cast(session, cal.at(opening, 7, 30))
    session.commit()

    diners = roster(rng, people)
    # The story's rarer events (losses, reissues, refunds, cancellations) fall on whole days before today.
    specials = draw_specials(cal, diners, window[:-1] or window)
    booker = Booker(session, rules, cal, diners, cast)
    booker.run(opening_day(cal, opening, [who for who in range(people) if who not in specials.joins]))
    session.commit()
    periods = [Period(p.code, p.start_time, p.end_time, p.weekdays)
               for p in session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True)))]
    for n, day in enumerate(window):
        events = day_events(cal, day, n == 0, diners, specials, periods, booker.balance, set(cast.prices))
        booker.run([e for e in events if e.when <= now])
        session.commit()
    for day in [window[0] - timedelta(days=1), *window]:
        make_forecasts(session, made_on=day)
    _diner_logins(session, now)
    seed_compound(session, today)  # the service modules' sample records (canteen/demo/compound.py)
    session.commit()
    return _summary(session, booker, window, timer.perf_counter() - started)


def demo_diners(session: Session, limit: int = DINER_LOGINS) -> list:
    """(card uid, printed number, name, staff number, department) of the first active card holders."""
    return session.execute(
        select(Card.uid, Card.printed_no, Person.name, Person.staff_no, Department.name)
        .join(Person, Person.id == Card.person_id).outerjoin(Department, Department.id == Person.department_id)
        .where(Card.state == "active", Person.state == "active").order_by(Card.id).limit(limit)).all()


def _diner_logins(session: Session, now: datetime) -> None:
    """The first card holders sign in to /me/ with :data:`DINER_PASSWORD`, as if a cashier had given them a code."""
    for row in demo_diners(session):
        person = session.scalar(select(Person).where(Person.staff_no == row.staff_no))
        code = create_setup_code(session, person, now=now)
        set_password_with_code(session, staff_no=person.staff_no, code=code, password=DINER_PASSWORD, now=now)


def _cast(session: Session, since) -> Cast:
    """Departments, operators and terminals (kept if they already exist), categories and prices."""
    departments = {}
    for code, name, _ in DEPARTMENTS:
        found = session.scalar(select(Department).where((Department.code == code) | (Department.name == name)))
        if found is None:
            found = Department(code=code, name=name)
            session.add(found)
        departments[code] = found
    operators = {}
    for username, name, role in OPERATORS:
        found = session.scalar(select(Operator).where(Operator.username == username))
        if found is None:
            found = Operator(username=username, name=name, role=role, created_dt=since,
                             password_hash=generate_password_hash(DEMO_PASSWORD))
            session.add(found)
        operators[username] = found
    terminals = {}
    for code, name, place in TERMINALS:
        found = session.scalar(select(Terminal).where(Terminal.code == code))
        if found is None:
            found = Terminal(code=code, name=name, place=place, key_hash=key_hash(f"demo-key-{code}"))
            session.add(found)
        terminals[code] = found
    session.flush()
    categories = {c.code: c for c in session.scalars(select(DinerCategory))}
    missing = {"staff", "contract", "guest"} - set(categories)
    if missing:
        raise LookupError(f"the demo needs the diner categories {sorted(missing)} (see canteen.defaults)")
    prices = {(period, category): price for period, category, price in session.execute(
        select(MealPeriod.code, DinerCategory.code, MealPrice.price)
        .join(MealPeriod, MealPeriod.id == MealPrice.meal_period_id)
        .join(DinerCategory, DinerCategory.id == MealPrice.category_id)
        .where(MealPeriod.active.is_(True)))}
    return Cast(departments, categories, operators, terminals, prices)


def _summary(session: Session, booker: Booker, window: list[date], seconds: float) -> str:
    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model))

    kinds = dict(session.execute(select(JournalEntry.kind, func.count()).group_by(JournalEntry.kind)).all())
    s = booker.stats
    return (
        f"demo canteen ready in {seconds:.1f}s: {count(Person)} people in {count(Department)} departments, "
        f"{count(Card)} cards, {count(JournalEntry)} journal entries ({kinds.get('meal', 0)} meals, "
        f"{kinds.get('top_up', 0)} top-ups, {kinds.get('refund', 0)} refunds, {s['reissue']} reissues, "
        f"{s['cancel']} cancellations) from {window[0]} to {window[-1]}; operators "
        f"{'/'.join(u for u, _, _ in OPERATORS)} with password {DEMO_PASSWORD}; terminals "
        f"{'/'.join(c for c, _, _ in TERMINALS)} with keys {'/'.join(f'demo-key-{c}' for c, _, _ in TERMINALS)}"
    )
