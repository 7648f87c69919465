"""Meal charges (消费): a tap at a terminal, or an amount keyed by a cashier.

The subsidy wallet pays first, then cash. Refusals carry stable codes: unknown card, card
lost/replaced/cancelled, insufficient balance, outside any meal period, meal or daily limit
reached, repeated tap within the window.

A tap is the canteen's hot path, so it reads and writes through Core statements only: one
statement finds the card, its holder, their category and wallets and row-locks the wallets;
the debit re-checks, in the database, that the card and its holder are still active (a loss or
cancellation may have committed while we waited for the lock); the ledger then books the entry
(:func:`canteen.ledger.append.append`). On the terminals' fast lane on PostgreSQL (an optimistic
:class:`canteen.ledger.session.CoreSession`) the statement locks nothing: the one that writes the entry
moves the wallets only if their balances are still the ones read (both wallets: the split was decided on
both, so a grant or top-up booked in between is noticed) and the card is still active, or fails as a whole,
and the tap is run again on the locking path. Since every meal changes a wallet both taps would use, two
meals of one person cannot both pass a limit this way.

Meal periods and prices are cached per process and reloaded whenever the database's ``meal_config``
counter (moved by triggers on every change, read in the card's statement) differs from the cached one.
"""
import threading
import weakref
from dataclasses import dataclass
from datetime import time
from functools import cached_property

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from canteen.clock import local
from canteen.direct import Direct
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account_id
from canteen.ledger.append import EntryRow, Guard, append
from canteen.ledger.entry import make_entry
from canteen.ledger.session import CoreSession, flush_pending, is_optimistic
from canteen.models import Account, Card, DinerCategory, JournalEntry, MealPeriod, MealPrice, Person
from canteen.models.base import fen_sum
from canteen.models.diner_accounts import DinerAccount
from canteen.models.people import Department
from canteen.models.versions import MEAL_CONFIG, ConfigVersion
from canteen.rules.cards import CardState, require_usable
from canteen.rules.meal_limits import Limits, Meal, limit_refusal, needs_meals
from canteen.rules.refusals import mask_name
from canteen.rules.wallet_split import split_meal
from canteen.services.bookings import require_booking
from canteen.services.cards import CARD_CHOICE
from canteen.services.common import Actor, Rules, check_amount, normalise_uid, require_operator


@dataclass(frozen=True)
class Period:
    """A meal period as cached by the tap path (the columns of :class:`MealPeriod`)."""

    id: int
    code: str
    name: str
    start_time: time
    end_time: time
    weekdays: str
    active: bool

    serves = MealPeriod.serves


@dataclass
class Diner:
    """The card's holder as the tap read them, with their department's and category's names and limits."""

    id: int
    staff_no: str
    name: str
    state: str
    department_id: int
    category_id: int
    department_name: str
    category_name: str
    per_meal_count: int | None
    per_meal_amount: int | None
    per_day_count: int | None
    per_day_amount: int | None
    #: The diner's low-balance reminder threshold (余额提醒, fen), if they set one.
    low_balance_fen: int | None = None

    @property
    def limits(self) -> Limits:
        """Their category's meal limits."""
        return Limits(self.per_meal_count, self.per_meal_amount, self.per_day_count, self.per_day_amount)

    def as_dict(self) -> dict:
        """The same shape as :func:`canteen.api.serialize.person_dict`."""
        return {"id": self.id, "staff_no": self.staff_no, "name": self.name, "state": self.state,
                "department": self.department_name, "category": self.category_name}


@dataclass
class MealCharge:
    """A booked meal: what was charged from which wallet and what is left.

    `entry_row`, `diner`, `card_uid` and `meal_period` are what the tap read and wrote; `entry`,
    `person` and `card` are the ORM objects, loaded on first use.
    """

    session: Session
    entry_row: EntryRow
    diner: Diner
    card_id: int
    card_uid: str
    meal_period: Period | None
    amount: int
    from_subsidy: int
    from_cash: int
    cash_left: int
    subsidy_left: int

    @cached_property
    def entry(self) -> JournalEntry:
        """The booked journal entry."""
        flush_pending(self.session)
        return self.session.get(JournalEntry, self.entry_row.id)

    @cached_property
    def person(self) -> Person:
        """The card's holder."""
        return self.session.get(Person, self.diner.id)

    @cached_property
    def card(self) -> Card:
        """The card that paid."""
        return self.session.get(Card, self.card_id)


# --------------------------------------------------------------------------------------------- meal periods

@dataclass(frozen=True)
class MealConfig:
    """Meal periods and prices as of one value of the ``meal_config`` counter."""

    version: int
    periods: tuple[Period, ...]
    prices: dict[tuple[int, int], int]

    def period_at(self, at, timezone: str) -> Period | None:
        """The meal period open at instant `at` in the canteen's local time, if any."""
        when = local(at, timezone)
        weekday, clock = when.isoweekday(), when.time().replace(tzinfo=None)
        return next((p for p in self.periods if p.serves(weekday, clock)), None)


_CONFIGS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_CONFIG_LOCK = threading.Lock()
_VERSION = select(ConfigVersion.version).where(ConfigVersion.name == MEAL_CONFIG)
_PERIODS = (select(MealPeriod.id, MealPeriod.code, MealPeriod.name, MealPeriod.start_time, MealPeriod.end_time,
                   MealPeriod.weekdays, MealPeriod.active)
            .where(MealPeriod.active.is_(True)).order_by(MealPeriod.start_time, MealPeriod.id))
_PRICES = select(MealPrice.meal_period_id, MealPrice.category_id, MealPrice.price)


def meal_config(session: Session, version: int | None = None, *, conn=None) -> MealConfig:
    """This database's meal periods and prices, from the cache when its version is `version`.

    Without a version the counter is read first (one small query); a tap passes the one it read
    with the card (and the session's connection, `conn`).
    """
    conn = conn if conn is not None else session.connection()
    if version is None:
        version = conn.execute(_VERSION).scalar()
    engine = conn.engine
    cached = _CONFIGS.get(engine)
    if cached is not None and cached.version == version:
        return cached
    periods = tuple(Period(*row) for row in conn.execute(_PERIODS))
    prices = {(period_id, category_id): price for period_id, category_id, price in conn.execute(_PRICES)}
    fresh = MealConfig(version, periods, prices)
    with _CONFIG_LOCK:
        _CONFIGS[engine] = fresh
    return fresh


def meal_period_at(session: Session, rules: Rules, at) -> Period | None:
    """The meal period open at instant `at` in the canteen's local time, if any."""
    return meal_config(session).period_at(at, rules.timezone)


# --------------------------------------------------------------------------------------------- the tap's reads

#: The card a UID names (the live one if any, else the latest), as :func:`canteen.services.cards.find_card` picks it.
_CHOSEN = (select(Card.id, Card.uid, Card.state, Card.person_id).where(Card.uid == bindparam("uid"))
           .order_by(*CARD_CHOICE).limit(1).subquery("chosen"))
#: The card, its holder, their department and category, the meal config version, and one row per wallet.
_HOLDER_SELECT = (
    select(Account.id, Account.kind, Account.balance,
           _CHOSEN.c.id, _CHOSEN.c.uid, _CHOSEN.c.state,
           Person.id, Person.staff_no, Person.name, Person.state, Person.department_id, Person.category_id,
           Department.name, DinerCategory.name, DinerCategory.per_meal_count, DinerCategory.per_meal_amount,
           DinerCategory.per_day_count, DinerCategory.per_day_amount,
           select(DinerAccount.low_balance_fen).where(DinerAccount.person_id == Person.id).scalar_subquery(),
           _VERSION.scalar_subquery())
    .select_from(_CHOSEN)
    .join(Person, Person.id == _CHOSEN.c.person_id)
    .join(Department, Department.id == Person.department_id)
    .join(DinerCategory, DinerCategory.id == Person.category_id)
    .join(Account, Account.person_id == Person.id)
    .order_by(Account.id)
)
#: The same, the wallets row-locked in id order (the ledger's lock order) for the rest of the transaction.
_HOLDER = Direct(_HOLDER_SELECT.with_for_update(of=Account.__table__))
#: The same without a lock, for an optimistic session (see :class:`canteen.ledger.session.CoreSession`).
_HOLDER_READ = Direct(_HOLDER_SELECT)
_UNKNOWN = Direct(select(Card.id).where(Card.uid == bindparam("uid")).limit(1))
#: Checked by the database in the debit, after the wallets' lock was granted.
_STILL_ACTIVE = and_(
    exists().where(Card.__table__.c.id == bindparam("g_card"), Card.__table__.c.state == CardState.ACTIVE),
    exists().where(Person.__table__.c.id == bindparam("g_person"), Person.__table__.c.state == "active"),
)
_STATES = Direct(select(Card.state, Person.state).join(Person, Person.id == Card.person_id)
                 .where(Card.id == bindparam("card_id")))

_REFUND = aliased(JournalEntry)
#: A person's meals on a day, net of their refunds; built once, it is on every tap's path.
_TODAYS_MEALS = (
    select(JournalEntry.amount - select(fen_sum(_REFUND.amount)).where(_REFUND.original_id == JournalEntry.id)
           .scalar_subquery(),
           JournalEntry.meal_period_id, JournalEntry.created_dt, JournalEntry.id)
    .where(JournalEntry.person_id == bindparam("person_id"), JournalEntry.business_date == bindparam("day"),
           JournalEntry.kind == "meal"))


@dataclass
class _Holder:
    card_id: int
    card_uid: str
    card_state: str
    diner: Diner
    wallets: dict[str, tuple[int, int]]  # kind -> (account id, balance), locked
    config_version: int


def _holder(conn, uid: str, lock: bool = True) -> _Holder:
    """The card `uid` names, its holder and their wallets, locked unless `lock` is false (one statement);
    ``unknown_card`` if none."""
    rows = (_HOLDER if lock else _HOLDER_READ).all(conn, {"uid": uid})
    if not rows:
        if _UNKNOWN.first(conn, {"uid": uid}) is None:
            raise DomainError("unknown_card", uid)
        raise LookupError(f"card {uid}: its holder has no wallets")
    first = rows[0]
    return _Holder(first[3], first[4], first[5], Diner(*first[6:19]),
                   {kind: (acc, balance) for acc, kind, balance, *_ in rows}, first[19])


def _still_active(session: Session, card_id: int, uid: str) -> None:
    """Raise the refusal for a card or holder that stopped being active (read fresh, after the lock)."""
    card_state, person_state = _STATES.first(session.connection(), {"card_id": card_id})
    require_usable(card_state, uid)
    if person_state != "active":
        raise DomainError("card_cancelled", uid)


def _todays_meals(session: Session, person_id: int, day) -> list[Meal]:
    """The person's meals today, net of refunds; fully refunded ones left out."""
    rows = session.connection().execute(_TODAYS_MEALS, {"person_id": person_id, "day": day})
    return [Meal(period_id, at, net) for net, period_id, at, _ in rows if net > 0]


def _check_limits(session, rules, actor, diner: Diner, period, price, day, keyed) -> None:
    """Refuse the meal if a limit or the double-tap window says so (:func:`canteen.rules.meal_limits.limit_refusal`)."""
    if not needs_meals(diner.limits, rules.double_tap_seconds, keyed):
        return
    refused = limit_refusal(_todays_meals(session, diner.id, day), now=actor.at,
                            period_id=period.id if period else None, price=price, limits=diner.limits,
                            double_tap_seconds=rules.double_tap_seconds, keyed=keyed)
    if refused:
        raise DomainError(*refused)


# --------------------------------------------------------------------------------------------- the charge

def charge_meal(session: Session, actor: Actor, rules: Rules, *, uid, amount=None) -> MealCharge:
    """Charge a meal to the card's holder: the fixed price of the current meal, or a keyed `amount`."""
    keyed = amount is not None
    if keyed:
        require_operator(actor, "cashier", "manager", "admin")
        amount = check_amount(amount, rules)
    uid = normalise_uid(uid)
    if not isinstance(session, CoreSession):
        session.flush()  # the tap's statements bypass the ORM: they must see what the caller changed
    conn = session.connection()
    holder = _holder(conn, uid, lock=not is_optimistic(session))
    card_id, diner = holder.card_id, holder.diner
    try:
        require_usable(holder.card_state, holder.card_uid)
        if diner.state != "active":
            raise DomainError("card_cancelled", holder.card_uid)
    except DomainError as refused:
        refused.data.setdefault("name", mask_name(diner.name))  # the till shows whose card it is: 王*明
        raise
    # The wallets are locked now. A loss, reissue or cancellation may have committed while we waited
    # for them: every refusal from here on first re-reads the card (a changed card is refused for
    # that), and the debit itself is guarded by the database.
    try:
        config = meal_config(session, holder.config_version, conn=conn)
        period = config.period_at(actor.at, rules.timezone)
        if not keyed:
            if period is None:
                raise DomainError("outside_meal_period")
            amount = config.prices.get((period.id, diner.category_id))
            if amount is None:
                raise DomainError("no_price", f"{period.name}/{diner.category_name}")
        day = local(actor.at, rules.timezone).date()
        # ---- the meal period, the price (`amount`) and the diner (`diner`: id, category ...) are known here;
        #      checks that may refuse this meal go here (raise DomainError) ----
        require_booking(session, person_id=diner.id, period=None if keyed else period, day=day)  # 报餐 rules
        _check_limits(session, rules, actor, diner, period, amount, day, keyed)
        (cash_id, cash), (subsidy_id, subsidy) = holder.wallets["cash"], holder.wallets["subsidy"]
        from_subsidy, from_cash, short = split_meal(amount, subsidy, cash)
        if short:
            raise DomainError("insufficient_balance", balance=cash + subsidy, price=amount)
    except DomainError as refused:
        _still_active(session, card_id, holder.card_uid)
        refused.data.setdefault("name", mask_name(diner.name))
        raise
    entry = make_entry(
        "meal", amount, [(subsidy_id, -from_subsidy, True), (cash_id, -from_cash, True),
                         (system_account_id(session, "meal_revenue"), amount, False)],
        created_dt=actor.at, business_date=day, idempotency_key=actor.key, method="wallet", person_id=diner.id,
        card_id=card_id, meal_period_id=period.id if period else None, read={subsidy_id: subsidy, cash_id: cash},
        **actor.refs)
    booked = append(session, entry, guard=Guard(_STILL_ACTIVE, {"g_card": card_id, "g_person": diner.id},
                                                lambda s: _still_active(s, card_id, holder.card_uid)))
    return MealCharge(
        session, booked.row, diner, card_id, holder.card_uid, period, amount, from_subsidy, from_cash,
        cash_left=booked.balances[cash_id], subsidy_left=booked.balances[subsidy_id],
    )
