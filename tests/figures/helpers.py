"""Building blocks for the figure tests: meals at a given local time, offline meals, no-shows, guests."""
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from canteen.extensions import db
from canteen.ledger.accounts import person_accounts, system_account
from canteen.ledger.booking import post_entry
from canteen.models import JournalEntry, MealPeriod
from canteen.reports import Filters
from canteen.rules.offline_seal import item_seal
from canteen.services.common import Actor
from canteen.services.guest_meals import approve_guest_request, redeem_guest_ticket, request_guest_meals, ticket_code
from canteen.services.meals import charge_meal
from canteen.services.offline import replay_offline_charges
from canteen.services.refunds import refund

ZONE = ZoneInfo("Asia/Shanghai")
SECRET = "test-secret"  # the app fixture's SECRET_KEY


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on `day` as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(timezone.utc)


def period(code: str) -> MealPeriod:
    return db.session.scalar(select(MealPeriod).where(MealPeriod.code == code))


def meal(world, terminal, card, when) -> JournalEntry:
    """A diner's meal tapped online at `when`."""
    entry = charge_meal(db.session, Actor(key=f"m:{uuid.uuid4().hex}", terminal=terminal, at=when), world.rules,
                        uid=card.uid).entry
    db.session.commit()
    return entry


class Offline:
    """A terminal that charges offline and syncs later."""

    def __init__(self, world):
        self.world = world
        self.terminal, self.key = world.terminal()
        self.seq = 0

    def charge(self, card, amount, tapped: datetime, now: datetime):
        self.seq += 1
        item = {"seq": self.seq, "uid": card.uid, "amount": amount, "tapped_at": tapped.isoformat(),
                "online_key": None}
        item["mac"] = item_seal(self.terminal.key_hash, self.terminal.code, item)
        results, _ = replay_offline_charges(db.session, self.terminal, self.world.rules, [item], now=now)
        db.session.commit()
        return results[0]


def guests(world, terminal, day: date, count: int, meal_code: str = "lunch") -> None:
    """`count` guest tickets of `meal_code` on `day`, requested, approved and eaten."""
    department = world.department()
    asker, approver = world.operator("manager"), world.operator("manager")
    moment = at(day, 8)
    request = request_guest_meals(db.session, Actor(key=f"g:{uuid.uuid4().hex}", operator=asker, at=moment),
                                  world.rules, department_id=department.id, day=day,
                                  meal_period_id=period(meal_code).id, guests=count, purpose="检查",
                                  contact="李主任 13800000000")
    approve_guest_request(db.session, Actor(key=f"g:{uuid.uuid4().hex}", operator=approver, at=moment),
                          world.rules, request_id=request.id)
    db.session.commit()
    for n, ticket in enumerate(request.tickets):
        redeem_guest_ticket(db.session, Actor(key=f"g:{uuid.uuid4().hex}", terminal=terminal,
                                              at=at(day, 12, n + 1)), world.rules,
                            code=ticket_code(ticket, SECRET), secret=SECRET)
    db.session.commit()


def no_show(world, person, day: date, meal_code: str, price: int = 800) -> JournalEntry:
    """A booked meal charged because nobody came (as canteen.services.bookings charges it)."""
    wallets = person_accounts(db.session, person.id)
    p = period(meal_code)
    booked = post_entry(db.session, kind="meal", amount=price, method="no_show",
                        postings=[(wallets["cash"], -price), (system_account(db.session, "meal_revenue"), price)],
                        created_dt=at(day, 21), business_date=day, idempotency_key=f"no-show:{uuid.uuid4().hex}",
                        person_id=person.id, meal_period_id=p.id, memo="报餐未就餐")
    db.session.commit()
    return booked.entry


def refund_all(world, entry, when) -> None:
    refund(db.session, Actor(key=f"r:{uuid.uuid4().hex}", operator=world.cashier(), at=when), world.rules,
           original_id=entry.id, amount=entry.amount)
    db.session.commit()


def span(start: date, end: date) -> Filters:
    return Filters(start=start, end=end)


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]
