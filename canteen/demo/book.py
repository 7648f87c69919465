"""Booking the demo's events through the services, exactly as the tills and terminals would.

Every money movement is a service call with its own actor, back-dated to the event's time;
nothing here writes a ledger row. A refusal would be a bug in the plan, so it propagates.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.demo.names import Diner, card_uid
from canteen.demo.plan import DEPOSIT, OPENING_FLOAT, Calendar, Event
from canteen.models import Account, Department, DinerCategory, Operator, Person, Terminal
from canteen.services.cancel import cancel_card
from canteen.services.cards import find_card, issue_card, reissue_card, report_loss, unfreeze
from canteen.services.common import Actor, Rules, open_shift_of
from canteen.services.meals import charge_meal
from canteen.services.people import create_person
from canteen.services.refunds import decide_refund, refund
from canteen.services.shifts import close_shift, expected_cash, open_shift
from canteen.services.subsidies import due_batches, expire_subsidy, issue_subsidy
from canteen.services.topup import top_up

#: The till each cashier works at.
TILLS = {"cashier1": "T01", "cashier2": "T02"}


@dataclass
class Cast:
    """The reference rows the events need: departments, categories, operators, terminals, prices."""

    departments: dict[str, Department]
    categories: dict[str, DinerCategory]
    operators: dict[str, Operator]
    terminals: dict[str, Terminal]
    prices: dict[tuple[str, str], int]


class Booker:
    """Turns events into service calls and keeps what later events need (people, cards, balances)."""

    def __init__(self, session: Session, rules: Rules, cal: Calendar, diners: list[Diner], cast: Cast):
        self.session, self.rules, self.cal, self.rng = session, rules, cal, cal.rng
        self.diners, self.cast = diners, cast
        self.people: dict[int, Person] = {}
        self.uids: dict[int, str] = {}
        self.used_uids: set[str] = set()
        #: What each diner can spend (cash + subsidy), kept in step with the services' answers.
        self.balance: dict[int, int] = {}
        self.meals: dict[tuple, tuple[int, int]] = {}
        self.requests: dict[int, int] = {}
        self.stats: Counter = Counter()
        self._serial = 0
        self._printed = 10_000_000

    def run(self, events: list[Event]) -> None:
        """Book the events in time order."""
        for event in sorted(events):
            getattr(self, f"_{event.kind}")(event)
            self.stats[event.kind] += 1

    def actor(self, event: Event, operator: str | None = None, terminal: str | None = None,
              earlier: timedelta = timedelta(0)) -> Actor:
        """Who acts at the event's time, under a fresh idempotency key."""
        self._serial += 1
        op = self.cast.operators[operator] if operator else None
        if operator in TILLS and terminal is None:
            terminal = TILLS[operator]
        return Actor(key=f"demo:{self._serial:07d}:{event.kind}", operator=op,
                     terminal=self.cast.terminals[terminal] if terminal else None,
                     at=(event.when - earlier).astimezone(timezone.utc))

    def cashier(self, event: Event) -> Actor:
        """The cashier on duty at the event's till."""
        return self.actor(event, self.cal.on_duty(event.when))

    def _next_card(self) -> tuple[str, str]:
        self._printed += 1
        return card_uid(self.rng, self.used_uids), f"{self._printed:08d}"

    def _ensure(self, event: Event, who: int, need: int) -> None:
        """A diner short of money tops up at the till just before paying."""
        if self.balance.get(who, 0) >= need:
            return
        amount, method = self.cal.top_up_amount(self.diners[who].category)
        shortfall = need - self.balance.get(who, 0)
        amount = max(amount, -(-shortfall // 10_000) * 10_000)
        cashier = self.cal.on_duty(event.when)
        self._make_room(event, cashier, amount if method == "cash" else 0)
        actor = self.actor(event, cashier, earlier=timedelta(seconds=90))
        top_up(self.session, actor, self.rules, person=self.people[who], amount=amount, method=method)
        self.balance[who] += amount
        self.stats["topup"] += 1

    def resync(self) -> None:
        """Re-read every diner's spendable balance (after a subsidy batch touched many wallets)."""
        who_of = {p.id: who for who, p in self.people.items()}
        rows = self.session.execute(
            select(Account.person_id, func.sum(Account.balance))
            .where(Account.kind.in_(("cash", "subsidy")), Account.person_id.is_not(None))
            .group_by(Account.person_id))
        for person_id, total in rows:
            if person_id in who_of:
                self.balance[who_of[person_id]] = int(total)

    def _open(self, event: Event) -> None:
        open_shift(self.session, self.actor(event, event.data["cashier"]), self.rules, opening_float=OPENING_FLOAT)

    def _close(self, event: Event, reopen: bool = False) -> None:
        """Count the drawer; now and then the count is a little off (长短款)."""
        cashier = event.data.get("cashier") or self.cal.on_duty(event.when)
        expected = expected_cash(self.session, open_shift_of(self.session, self.cast.operators[cashier]))
        off = 0 if self.rng.random() < 0.85 else self.rng.choice((-1_000, -500, -200, -100, -50, 50, 100, 200))
        close_shift(self.session, self.actor(event, cashier, earlier=timedelta(seconds=2 if reopen else 0)),
                    self.rules, counted_cash=max(0, expected + off))
        if reopen:
            open_shift(self.session, self.actor(event, cashier, earlier=timedelta(seconds=1)), self.rules,
                       opening_float=OPENING_FLOAT)

    def _make_room(self, event: Event, cashier: str, cash: int) -> None:
        """Hand a filling drawer over to the finance office (交班) before it holds too much cash."""
        if not cash:
            return
        shift = open_shift_of(self.session, self.cast.operators[cashier])
        if expected_cash(self.session, shift) + cash > self.rules.max_amount_fen // 2:
            self._close(event, reopen=True)
            self.stats["handover"] += 1

    def _join(self, event: Event) -> None:
        """A new diner registers and gets a card with a deposit and an opening top-up (开卡)."""
        diner, actor = self.diners[event.who], self.cashier(event)
        person = create_person(self.session, staff_no=diner.staff_no, name=diner.name, phone=diner.phone,
                               department=self.cast.departments[diner.department],
                               category=self.cast.categories[diner.category])
        person.created_dt = actor.at  # create_person takes no time of its own
        amount, method = self.cal.top_up_amount(diner.category)
        self._make_room(event, self.cal.on_duty(event.when), DEPOSIT + amount if method == "cash" else 0)
        uid, printed = self._next_card()
        issue_card(self.session, actor, self.rules, person=person, uid=uid, printed_no=printed,
                   deposit=DEPOSIT, top_up=amount, method=method)
        self.people[event.who], self.uids[event.who], self.balance[event.who] = person, uid, amount

    def _tap(self, event: Event) -> None:
        who, period = event.who, event.data["period"]
        self._ensure(event, who, self.cast.prices[(period, self.diners[who].category)])
        charge = charge_meal(self.session, self.actor(event, terminal=event.data["terminal"]), self.rules,
                             uid=self.uids[who])
        self.balance[who] = charge.cash_left + charge.subsidy_left
        self.meals[(who, event.when.date(), period)] = (charge.entry.id, charge.amount)

    def _topup(self, event: Event) -> None:
        if event.data["method"] == "cash":
            self._make_room(event, self.cal.on_duty(event.when), event.data["amount"])
        top_up(self.session, self.cashier(event), self.rules, person=self.people[event.who],
               amount=event.data["amount"], method=event.data["method"])
        self.balance[event.who] += event.data["amount"]

    def _refund(self, event: Event) -> None:
        """A wrong charge refunded at the till: in full (误刷) or in part (菜品问题)."""
        entry_id, amount = self.meals[(event.who, event.when.date(), event.data["period"])]
        full = event.data["share"] == "full"
        back = amount if full else max(100, amount // 2 // 100 * 100)
        refund(self.session, self.cashier(event), self.rules, original_id=entry_id, amount=back,
               reason="误刷，未就餐" if full else "菜品缺份，部分退款")
        self.balance[event.who] += back

    def big_amounts(self) -> tuple[int, int]:
        """The mis-keyed charge and its refund, the refund just above the approval threshold."""
        refund_fen = self.rules.refund_approval_fen + 1_120
        return refund_fen + 680, refund_fen

    def _keyed(self, event: Event) -> None:
        """A cashier keys the lunch amount by hand and slips a digit (6.80 keyed as 68.00)."""
        keyed, _ = self.big_amounts()
        self._ensure(event, event.who, keyed)
        charge = charge_meal(self.session, self.cashier(event), self.rules, uid=self.uids[event.who], amount=keyed)
        self.balance[event.who] = charge.cash_left + charge.subsidy_left
        self.meals[(event.who, "keyed")] = (charge.entry.id, charge.amount)

    def _big_refund(self, event: Event) -> None:
        """Above the threshold the refund is only a request until a manager approves it."""
        entry_id, _ = self.meals[(event.who, "keyed")]
        _, back = self.big_amounts()
        outcome = refund(self.session, self.cashier(event), self.rules, original_id=entry_id, amount=back,
                         reason="手工录入金额错误（6.80 误录为 68.00）")
        if outcome.request is not None:
            self.requests[event.who] = outcome.request.id
        else:
            self.balance[event.who] += back

    def _approve(self, event: Event) -> None:
        request_id = self.requests.pop(event.who, None)
        if request_id is None:
            return
        outcome = decide_refund(self.session, self.actor(event, "manager"), self.rules, request_id=request_id,
                                approve=True)
        self.balance[event.who] += outcome.entry.amount

    def _loss(self, event: Event) -> None:
        """Reported lost at the till, or by the diner from their phone in the evening (挂失)."""
        operator = self.cal.on_duty(event.when) if event.data["at_till"] else None
        report_loss(self.session, self.actor(event, operator), card=find_card(self.session, self.uids[event.who]))

    def _unfreeze(self, event: Event) -> None:
        unfreeze(self.session, self.cashier(event), card=find_card(self.session, self.uids[event.who]))

    def _reissue(self, event: Event) -> None:
        """A new card (补卡) with the balance kept; the fee (工本费) paid at the till."""
        uid, printed = self._next_card()
        reissue_card(self.session, self.cashier(event), self.rules, card=find_card(self.session, self.uids[event.who]),
                     new_uid=uid, printed_no=printed, fee=event.data["fee"], fee_method=event.data["method"])
        self.uids[event.who] = uid

    def _cancel(self, event: Event) -> None:
        """The diner leaves (调离/退休): balance and deposit paid out in cash (清退)."""
        cancel_card(self.session, self.cashier(event), self.rules, person=self.people[event.who])
        self.balance[event.who] = 0

    def _subsidy(self, event: Event) -> None:
        staff = self.cast.categories["staff"]
        if not any(p.category_id == staff.id and p.state == "active" for p in self.people.values()):
            return
        issue_subsidy(self.session, self.actor(event, "manager"), self.rules, title=event.data["title"],
                      amount_each=event.data["amount"], category_ids=[staff.id],
                      expires_on=event.data["expires_on"], expiry_rule="zero")
        self.resync()

    def _expire(self, event: Event) -> None:
        """Last month's subsidy left unspent goes back to the fund (月底清零), as the nightly job does."""
        for batch in due_batches(self.session, event.when.date()):
            expire_subsidy(self.session, self.actor(event, "manager"), self.rules, batch_id=batch.id)
        self.resync()
