"""A canteen with a week of history, built through the services: several departments, categories and
meal periods, top-ups by every method, refunds (one approved by a second operator), lost and reissued
cards, cancellations and subsidies (one expired)."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from canteen.extensions import db
from canteen.services.cancel import cancel_card
from canteen.services.cards import issue_card, reissue_card, report_loss
from canteen.services.common import Actor
from canteen.services.meals import charge_meal
from canteen.services.refunds import decide_refund, refund
from canteen.services.subsidies import expire_subsidy, issue_subsidy
from canteen.services.topup import top_up
from tests.world import new_uid

ZONE = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2026, 11, 2)
DAYS = [FIRST_DAY + timedelta(days=i) for i in range(6)]
MEALS = (("breakfast", 7), ("lunch", 12), ("dinner", 18))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on `day`, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(timezone.utc)


@dataclass
class Canteen:
    """What the dataset made, for tests to pick filters from."""

    departments: list = field(default_factory=list)
    terminals: list = field(default_factory=list)
    people: list = field(default_factory=list)
    uids: dict = field(default_factory=dict)
    cashier: object = None
    cashier2: object = None
    manager: object = None


def build(world) -> Canteen:
    """Fill the world's database with the week described in the module docstring."""
    s, rules = db.session, world.rules
    c = Canteen()
    c.cashier, c.cashier2, c.manager = world.operator("cashier"), world.operator("cashier"), world.operator("manager")
    world.shift_for(c.cashier, opening_float=50000)
    world.shift_for(c.cashier2)
    c.departments = [world.department(name) for name in ("办公室", "财务科", "后勤科")]
    c.terminals = [world.terminal("T-EAST")[0], world.terminal("T-WEST")[0]]
    categories = [world.category("staff"), world.category("contract"), world.category("guest")]

    def act(when, operator=None, terminal=None):
        return Actor(key=f"ds:{uuid.uuid4().hex}", operator=operator, terminal=terminal, at=when)

    plan = [(0, 0)] * 4 + [(1, 1), (1, 1), (1, 0), (1, 0)] + [(2, 2), (2, 2), (2, 0), (2, 0)]
    for i, (dept, cat) in enumerate(plan):
        person = world.person(categories[cat], c.departments[dept])
        person.name = f"人员{i + 1:02d}"
        uid = new_uid()
        operator = c.cashier if i % 2 == 0 else c.cashier2
        issue_card(s, act(at(DAYS[0], 8, i), operator), rules, person=person, uid=uid,
                   deposit=2000 if i % 3 == 0 else 0, top_up=60000 if cat == 2 else 40000,
                   method="cash" if operator is c.cashier else "wechat")
        s.commit()
        c.people.append(person)
        c.uids[person.id] = uid
    p = c.people
    subsidy_a, _ = issue_subsidy(s, act(at(DAYS[0], 10), c.manager), rules, title="十一月餐补", amount_each=5000,
                                 department_ids=[c.departments[0].id], expiry_rule="zero", expires_on=DAYS[2])
    issue_subsidy(s, act(at(DAYS[1], 10), c.manager), rules, title="聘用人员补贴", amount_each=3000,
                  category_ids=[categories[1].id])
    s.commit()
    cancelled = set()
    for d, day in enumerate(DAYS):
        _before_meals(world, c, act, d, day)
        for m, (_code, hour) in enumerate(MEALS):
            for i, person in enumerate(p):
                if person.id in cancelled or person.id not in c.uids or (i + d + m) % 3 == 0:
                    continue
                charge_meal(s, act(at(day, hour, i), terminal=c.terminals[i % 2]), rules, uid=c.uids[person.id])
                s.commit()
        if d == 1:
            meal = _meal_of(p[0], DAYS[1], 12)
            refund(s, act(at(day, 14), c.cashier), rules, original_id=meal.id, amount=meal.amount, reason="菜品问题")
            s.commit()
        if d == 2:
            meal = _meal_of(p[4], DAYS[2], 18)
            refund(s, act(at(day, 20), c.cashier2), rules, original_id=meal.id, amount=300)
            s.commit()
        if d == 3:
            keyed = charge_meal(s, act(at(day, 15), c.cashier), rules, uid=c.uids[p[8].id], amount=8000)
            s.commit()
            request = refund(s, act(at(day, 15, 30), c.cashier), rules, original_id=keyed.entry.id, amount=6000).request
            s.commit()
            decide_refund(s, act(at(day, 16), c.manager), rules, request_id=request.id, approve=True)
            s.commit()
        if d == 4:
            expire_subsidy(s, act(at(day, 21), c.manager), rules, batch_id=subsidy_a.id)
            s.commit()
        if d == 5:
            for person in (p[10], p[5]):
                cancel_card(s, act(at(day, 20), c.cashier), rules, person=person)
                cancelled.add(person.id)
            s.commit()
    return c


def _before_meals(world, c, act, d, day) -> None:
    s, rules, p = db.session, world.rules, c.people
    if d == 1:
        top_up(s, act(at(day, 9), c.cashier), rules, person=p[2], amount=3000, method="cash")
    if d == 2:
        top_up(s, act(at(day, 9), c.cashier2), rules, person=p[1], amount=10000, method="wechat")
        report_loss(s, act(at(day, 9, 30), c.cashier), card=_card(p[3]))
        c.uids.pop(p[3].id)
    if d == 3:
        top_up(s, act(at(day, 9), c.cashier), rules, person=p[5], amount=5000, method="alipay")
        new = reissue_card(s, act(at(day, 9, 30), c.cashier), rules, card=_card(p[3]), new_uid=new_uid(), fee=1000)
        c.uids[p[3].id] = new.card.uid
    if d == 4:
        top_up(s, act(at(day, 9), c.cashier2), rules, person=p[9], amount=20000, method="bank")
        new = reissue_card(s, act(at(day, 9, 30), c.cashier2), rules, card=_card(p[6]), new_uid=new_uid(),
                           fee=500, fee_method="wallet")
        c.uids[p[6].id] = new.card.uid
    s.commit()
    if d == 5:
        report_loss(s, act(at(day, 9), c.cashier), card=_card(p[7]))
        s.commit()
        c.uids.pop(p[7].id)


def _card(person):
    from sqlalchemy import select

    from canteen.models import Card

    return db.session.scalar(select(Card).where(Card.person_id == person.id, Card.state.in_(("active", "lost"))))


def _meal_of(person, day, hour):
    from sqlalchemy import select

    from canteen.models import JournalEntry

    return db.session.scalar(select(JournalEntry).where(
        JournalEntry.person_id == person.id, JournalEntry.business_date == day, JournalEntry.kind == "meal",
        JournalEntry.created_dt >= at(day, hour), JournalEntry.created_dt < at(day, hour + 1)))
