"""Guest meals (接待用餐): a department asks, another operator approves, each guest gets a signed ticket.

A ticket's code (``GT1-<ticket id>-<signature>``) is an HMAC of the ticket id under the server's secret, so it
can be printed again at any time but not guessed or altered. At the till the ticket is accepted once, for its
day and meal, and the meal is charged to the department's account (``dept:<id>``, a ``clearing`` account
like a diner's receivable: negative while the department owes for its guests) by one ``guest_meal`` entry.
Guests are 就餐人次 like diners; their meals are not 个人消费 and never touch a diner's wallet.
"""
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.clock import local
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import post_entry
from canteen.models import Account, Department, DinerCategory, JournalEntry, MealPeriod, MealPrice, Posting
from canteen.models.base import fen_sum
from canteen.models.guest_meals import DEPARTMENT_PREFIX, GuestMealRequest, GuestTicket, GuestTicketRedemption
from canteen.services.common import Actor, Rules, require_operator
from canteen.services.meals import meal_period_at

#: Who may ask for guest meals on a department's behalf, and who may decide.
REQUESTERS = DECIDERS = ("manager", "admin")
#: The diner category whose price a guest's meal costs.
GUEST_CATEGORY = "guest"
MAX_GUESTS = 500
_CODE = re.compile(r"^GT1-(\d{1,12})-([A-Z2-7]{24})$")


@dataclass
class GuestMeal:
    """A redeemed ticket: what was charged to which department, and what it owes now."""

    entry: JournalEntry
    ticket: GuestTicket
    request: GuestMealRequest
    department: Department
    meal_period: MealPeriod
    amount: int
    department_owes: int


def _signature(ticket_id: int, secret: str | bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"guest-ticket:v1:{ticket_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode()


def ticket_code(ticket: GuestTicket, secret: str | bytes) -> str:
    """The code printed as the ticket's QR code (upper case letters, digits and dashes: scanners type it)."""
    return f"GT1-{ticket.id}-{_signature(ticket.id, secret)}"


def ticket_id_of(code, secret: str | bytes) -> int:
    """The ticket id a genuine code names; ``ticket_unknown`` for anything forged or garbled."""
    match = _CODE.match(code.strip().upper()) if isinstance(code, str) else None
    if match is None or not hmac.compare_digest(match.group(2), _signature(int(match.group(1)), secret)):
        raise DomainError("ticket_unknown")
    return int(match.group(1))


def department_account(session: Session, department_id: int, *, create: bool = False) -> Account | None:
    """The department's account for its guests' meals (``dept:<id>``), created on first approval."""
    code = f"{DEPARTMENT_PREFIX}{department_id}"
    account = session.scalar(select(Account).where(Account.code == code))
    if account is None and create:
        account = Account(kind="clearing", code=code, balance=0)
        session.add(account)
        session.flush()
    return account


def _text(value, label: str, limit: int) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise DomainError("guest_request_invalid", f"请填写{label}（{limit} 字以内）")
    return text


def request_guest_meals(session: Session, actor: Actor, rules: Rules, *, department_id, day: date,
                        meal_period_id, guests, purpose, contact) -> GuestMealRequest:
    """A department's request for `guests` visitors' meals; it waits for another operator's decision."""
    operator = require_operator(actor, *REQUESTERS)
    department = session.get(Department, department_id) if isinstance(department_id, int) else None
    if department is None or not department.active:
        raise DomainError("guest_request_invalid", "部门不存在或已停用")
    period = session.get(MealPeriod, meal_period_id) if isinstance(meal_period_id, int) else None
    if period is None or not period.active:
        raise DomainError("guest_request_invalid", "餐次不存在或已停用")
    if not isinstance(day, date) or day < local(actor.at, rules.timezone).date():
        raise DomainError("guest_request_invalid", "用餐日期不能早于今天")
    if not isinstance(guests, int) or isinstance(guests, bool) or not 1 <= guests <= MAX_GUESTS:
        raise DomainError("guest_request_invalid", f"人数须为 1 至 {MAX_GUESTS}")
    request = GuestMealRequest(
        department_id=department.id, day=day, meal_period_id=period.id, guests=guests,
        purpose=_text(purpose, "事由", 200), contact=_text(contact, "联系人", 100), requested_by=operator.id,
        requested_dt=actor.at, state="pending")
    session.add(request)
    session.flush()
    return request


def _pending(session: Session, actor: Actor, request_id) -> GuestMealRequest:
    operator = require_operator(actor, *DECIDERS)
    request = session.get(GuestMealRequest, request_id, with_for_update=True) if isinstance(request_id, int) else None
    if request is None:
        raise DomainError("not_found", "接待用餐申请")
    if request.state != "pending":
        raise DomainError("request_decided")
    if request.requested_by == operator.id:
        raise DomainError("guest_self_approval")
    return request


def _decide(request: GuestMealRequest, actor: Actor, state: str, note: str | None) -> None:
    request.state, request.decided_by, request.decided_dt = state, actor.operator.id, actor.at
    request.decision_note = (note or "").strip()[:200] or None


def approve_guest_request(session: Session, actor: Actor, rules: Rules, *, request_id,
                          note: str | None = None) -> GuestMealRequest:
    """Approve (four eyes: not the requester): fix the guest price and issue one ticket per guest."""
    request = _pending(session, actor, request_id)
    if request.day < local(actor.at, rules.timezone).date():
        raise DomainError("guest_request_invalid", "用餐日期已过，不能再批准")
    price = session.scalar(select(MealPrice.price).join(DinerCategory, DinerCategory.id == MealPrice.category_id)
                           .where(MealPrice.meal_period_id == request.meal_period_id,
                                  DinerCategory.code == GUEST_CATEGORY))
    if price is None:
        raise DomainError("no_price", "来宾")
    _decide(request, actor, "approved", note)
    request.price_each = price
    session.add_all(GuestTicket(request_id=request.id, number=n) for n in range(1, request.guests + 1))
    department_account(session, request.department_id, create=True)
    session.flush()
    session.refresh(request, ["tickets"])
    return request


def reject_guest_request(session: Session, actor: Actor, rules: Rules, *, request_id,
                         note: str | None = None) -> GuestMealRequest:
    """Reject a pending request (four eyes, like approval); no tickets are issued."""
    request = _pending(session, actor, request_id)
    _decide(request, actor, "rejected", note)
    session.flush()
    return request


def cancel_guest_request(session: Session, actor: Actor, rules: Rules, *, request_id) -> GuestMealRequest:
    """Withdraw an approved request: its unused tickets are refused from now on; used ones stay charged."""
    require_operator(actor, *DECIDERS)
    request = session.get(GuestMealRequest, request_id, with_for_update=True) if isinstance(request_id, int) else None
    if request is None:
        raise DomainError("not_found", "接待用餐申请")
    if request.state != "approved":
        raise DomainError("request_decided")
    request.state = "cancelled"
    session.flush()
    return request


def redeem_guest_ticket(session: Session, actor: Actor, rules: Rules, *, code, secret: str | bytes) -> GuestMeal:
    """Accept a guest's ticket at a terminal, once, on its day and meal; charge the department.

    Refusals: ``ticket_unknown`` (forged), ``ticket_not_approved``, ``ticket_used``, ``ticket_expired`` (an
    earlier day), ``ticket_wrong_day`` (a later day), ``ticket_wrong_meal``. The unique ticket id of the
    redemption is the guard: of two terminals racing, the second is refused as ``ticket_used``.
    """
    if actor.terminal is None:
        raise DomainError("terminal_auth_failed")
    ticket_id = ticket_id_of(code, secret)
    ticket = session.scalar(select(GuestTicket).where(GuestTicket.id == ticket_id).with_for_update(of=GuestTicket))
    if ticket is None:
        raise DomainError("ticket_unknown")
    request = ticket.request
    if request.state != "approved":
        raise DomainError("ticket_not_approved")
    if session.scalar(select(GuestTicketRedemption.id).where(GuestTicketRedemption.ticket_id == ticket.id)):
        raise DomainError("ticket_used")
    today = local(actor.at, rules.timezone).date()
    if request.day != today:
        raise DomainError("ticket_expired" if request.day < today else "ticket_wrong_day", str(request.day))
    period = meal_period_at(session, rules, actor.at)
    if period is None or period.id != request.meal_period_id:
        wanted = session.get(MealPeriod, request.meal_period_id)
        raise DomainError("ticket_wrong_meal", wanted.name if wanted else None)
    department = session.get(Department, request.department_id)
    account = department_account(session, department.id, create=True)
    booked = post_entry(
        session, kind="guest_meal", amount=request.price_each,
        postings=[(account, -request.price_each), (system_account(session, "meal_revenue"), request.price_each)],
        created_dt=actor.at, business_date=today, idempotency_key=actor.key, meal_period_id=period.id,
        memo=f"接待用餐 {department.name} 第{ticket.number}/{request.guests}张"[:200], **actor.refs)
    try:
        with session.begin_nested():
            session.add(GuestTicketRedemption(ticket_id=ticket.id, entry_id=booked.entry.id,
                                              terminal_id=actor.terminal.id, redeemed_dt=actor.at))
    except IntegrityError:
        raise DomainError("ticket_used") from None
    return GuestMeal(booked.entry, ticket, request, department, period, request.price_each,
                     department_owes=-booked.balances[account.id])


@dataclass
class DepartmentLine:
    """One department's guest-meal account: what it owes, and the postings that say so."""

    department: Department
    account_id: int
    owes: int
    posted: int
    meals: int


def department_balances(session: Session) -> list[DepartmentLine]:
    """Each department with a guest-meal account: the cached balance beside the sum of its postings."""
    posted = (select(Posting.account_id, fen_sum(Posting.amount).label("total"), func.count().label("legs"))
              .group_by(Posting.account_id).subquery())
    rows = session.execute(
        select(Account.id, Account.code, Account.balance, posted.c.total, posted.c.legs)
        .outerjoin(posted, posted.c.account_id == Account.id)
        .where(Account.code.startswith(DEPARTMENT_PREFIX)).order_by(Account.code)).all()
    departments = {d.id: d for d in session.scalars(select(Department))}
    lines = []
    for account_id, code, balance, total, legs in rows:
        department = departments.get(int(code[len(DEPARTMENT_PREFIX):]))
        if department is not None:
            lines.append(DepartmentLine(department, account_id, owes=-int(balance), posted=-int(total or 0),
                                        meals=int(legs or 0)))
    return lines
