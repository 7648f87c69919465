"""Offline charges (脱机消费) replayed by terminals: in order, exactly once, booked even when now refused.

A terminal that lost the server keeps charging meals from its snapshot and seals each one with
an HMAC under its own key. At sync the items arrive in sequence order; each is booked once, keyed
by ``t<terminal>:off:<seq>``. A charge the server would now refuse (card lost meanwhile, balance
spent at another terminal) is booked in full because the meal was served: the wallets pay what
they hold, the rest is debited to the person's receivable, and an :class:`OfflineException` says
who, which card, how much and why.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.clock import business_date, local
from canteen.errors import DomainError
from canteen.ledger.accounts import person_accounts, system_account
from canteen.ledger.booking import post_entry
from canteen.models import (
    Account,
    Card,
    IdempotencyRecord,
    JournalEntry,
    MealPeriod,
    OfflineCharge,
    OfflineCursor,
    Terminal,
)
from canteen.models.ledger import RECEIVABLE_PREFIX
from canteen.models.offline import OfflineException
from canteen.rules.cards import refusal
from canteen.rules.offline_seal import item_seal, sealed
from canteen.rules.wallet_split import split_meal
from canteen.services.cards import find_card
from canteen.services.common import Rules, check_amount
from canteen.services.idempotency import fingerprint
from canteen.services.offline_bulk import Pending, book_run
from canteen.services.offline_gaps import in_resolved_gap, note_gap

#: A tap time further ahead of the server's clock than this is flagged ``clock_skew`` and booked at arrival.
CLOCK_SKEW = timedelta(minutes=5)
#: Offline items older than this arrive late: flagged ``late_arrival`` (an exception to look at), but the meal
#: keeps the time, business date and meal period it was eaten at (a record of a meal never takes a new date).
MAX_AGE = timedelta(days=7)
#: A tap time older than this cannot be a meal of this system (the terminal's clock is wrong): ``clock_skew``,
#: booked at arrival; the offline charge still keeps the time the terminal sealed.
MAX_PLAUSIBLE_AGE = timedelta(days=366)
#: Most items one sync request may carry.
MAX_BATCH = 1000


@dataclass
class ItemResult:
    """What became of one offline item."""

    seq: int
    status: str  # booked, duplicate, unbooked, replayed, refused
    entry_id: int | None = None
    code: str | None = None
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The item's result as the sync API answers it."""
        return {"seq": self.seq, "status": self.status, "entry_id": self.entry_id, "code": self.code,
                "flags": self.flags}


def receivable_of(session: Session, person_id: int, *, create: bool) -> Account | None:
    """The person's receivable account (``receivable:<id>``); call with the person's accounts locked."""
    code = f"{RECEIVABLE_PREFIX}{person_id}"
    account = session.scalar(select(Account).where(Account.code == code))
    if account is None and create:
        account = Account(kind="clearing", code=code, balance=0)
        session.add(account)
        session.flush()
    return account


def replay_offline_charges(session: Session, terminal: Terminal, rules: Rules, items: list[dict],
                           now: datetime) -> tuple[list[ItemResult], int]:
    """Book a terminal's offline items in order; return each item's result and the last sequence booked.

    Stops at the first item that is refused (bad seal, gap, replay with other content): later
    items wait for the next sync, so order is kept. New items are booked in runs
    (:mod:`canteen.services.offline_bulk`); one whose online tap's outcome is unknown is booked
    on its own. The caller commits.
    """
    if len(items) > MAX_BATCH:
        raise DomainError("offline_batch_too_large", f"{len(items)}/{MAX_BATCH}")
    cursor = _locked_cursor(session, terminal, now)
    batch = _Batch(session, rules)
    arrived = _arrived(session, terminal, [i["seq"] for i in items if i["seq"] <= cursor.last_seq])
    slots: list[ItemResult | Pending] = []
    run: list[Pending] = []

    def flush() -> None:
        book_run(session, terminal, rules, batch.revenue, batch.period_at, run, now)
        run.clear()

    for item in items:
        seq = item["seq"]
        if not sealed(item_seal(terminal.key_hash, terminal.code, item), item.get("mac")):
            slots.append(ItemResult(seq, "refused", code="offline_tampered"))
            break
        late = False
        if seq <= cursor.last_seq:
            if seq not in arrived:
                flush()
                arrived.update(_arrived(session, terminal, [seq]))
            if seq in arrived:
                mac, entry_id = arrived[seq]
                refused = mac != item["mac"]
                slots.append(ItemResult(seq, "refused", code="offline_replay_mismatch") if refused
                             else ItemResult(seq, "replayed", entry_id))
                if refused:
                    break
                continue
            late = in_resolved_gap(session, terminal, seq)
            if not late:
                slots.append(ItemResult(seq, "refused", code="offline_replay_mismatch"))
                break
        elif seq != cursor.last_seq + 1:
            note_gap(session, terminal, cursor.last_seq + 1, seq - 1, now)
            slots.append(ItemResult(seq, "refused", code="offline_sequence_gap"))
            break
        try:
            amount = check_amount(item["amount"], rules)
        except DomainError:
            slots.append(ItemResult(seq, "refused", code="invalid_amount"))
            break
        at, tapped, flags = _tap_time(item, now)
        if item.get("online_key"):
            flush()
            slots.append(_book(session, terminal, rules, item, amount, now, batch))
        else:
            pending = Pending(item, amount, at, flags, tapped)
            run.append(pending)
            slots.append(pending)
        if not late:
            cursor.last_seq = seq
    flush()
    cursor.updated_dt = now
    session.flush()
    results = [s if isinstance(s, ItemResult) else ItemResult(s.item["seq"], s.status, s.entry_id, s.code, s.flags)
               for s in slots]
    return results, cursor.last_seq


def _arrived(session: Session, terminal: Terminal, seqs: list[int]) -> dict[int, tuple[str, int | None]]:
    """{seq: (seal, entry id)} of those of `seqs` that arrived before."""
    if not seqs:
        return {}
    return {seq: (mac, entry) for seq, mac, entry in session.execute(
        select(OfflineCharge.seq, OfflineCharge.mac, OfflineCharge.entry_id).where(
            OfflineCharge.terminal_id == terminal.id, OfflineCharge.seq.in_(seqs)))}


def _locked_cursor(session: Session, terminal: Terminal, now: datetime) -> OfflineCursor:
    """The terminal's cursor row, locked; created on its first sync (a concurrent first sync waits, then locks)."""
    query = select(OfflineCursor).where(OfflineCursor.terminal_id == terminal.id).with_for_update()
    cursor = session.scalar(query)
    if cursor is None:
        try:
            with session.begin_nested():
                session.add(OfflineCursor(terminal_id=terminal.id, last_seq=0, updated_dt=now))
        except IntegrityError:
            pass
        cursor = session.scalar(query.execution_options(populate_existing=True))
    return cursor


class _Batch:
    """What every item of one batch shares, read once: the revenue account and the meal periods."""

    def __init__(self, session: Session, rules: Rules) -> None:
        self.revenue = system_account(session, "meal_revenue")
        self.periods = session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                       .order_by(MealPeriod.start_time)).all()
        self.timezone = rules.timezone

    def period_at(self, at: datetime) -> MealPeriod | None:
        """The meal period open at `at` (as :func:`canteen.services.meals.meal_period_at`)."""
        when = local(at, self.timezone)
        day, clock = when.isoweekday(), when.time().replace(tzinfo=None)
        return next((p for p in self.periods if p.serves(day, clock)), None)


def _tap_time(item: dict, now: datetime) -> tuple[datetime, datetime, list[str]]:
    """(when the meal is booked at, the tap time as sealed, flags) of an offline item.

    The meal is booked when it was eaten, however late it arrives (late arrival is the ``late_arrival`` flag);
    only a time that cannot be true (in the future, or over a year old, or unreadable) books it at arrival.
    """
    try:
        tapped = datetime.fromisoformat(item["tapped_at"])
    except (TypeError, ValueError):
        return now, now, ["clock_skew"]
    if tapped.tzinfo is None:
        return now, now, ["clock_skew"]
    if tapped > now + CLOCK_SKEW or tapped < now - MAX_PLAUSIBLE_AGE:
        return now, tapped, ["clock_skew"]
    if tapped < now - MAX_AGE:
        return tapped, tapped, ["late_arrival"]
    return tapped, tapped, []


def _book(session, terminal, rules, item, amount, now, batch) -> ItemResult:
    seq, uid = item["seq"], item["uid"]
    at, tapped, flags = _tap_time(item, now)
    charge = OfflineCharge(terminal_id=terminal.id, seq=seq, uid=str(uid)[:20], amount=amount, tapped_dt=tapped,
                           received_dt=now, mac=item["mac"], online_key=item.get("online_key"), outcome="booked")
    try:
        card = find_card(session, uid)
    except DomainError as exc:
        charge.outcome = "unbooked"
        session.add(charge)
        session.flush()
        _flag(session, charge, None, None, 0, flags + [exc.code], now)
        return ItemResult(seq, "unbooked", code=exc.code, flags=flags + [exc.code])
    charge.person_id, charge.card_id = card.person_id, card.id
    if item.get("online_key") and _online_tap_booked(session, terminal, item, charge):
        session.add(charge)
        session.flush()
        return ItemResult(seq, "duplicate", charge.entry_id, flags=flags)
    wallets = person_accounts(session, card.person_id)
    state = session.scalar(select(Card.state).where(Card.id == card.id))
    if refusal(state):
        flags.append(refusal(state))
    if card.person.state != "active":
        flags.append("person_cancelled")
    cash, subsidy = wallets["cash"], wallets["subsidy"]
    from_subsidy, from_cash, overdraft = split_meal(amount, subsidy.balance, cash.balance)
    postings = [(subsidy, -from_subsidy), (cash, -from_cash), (batch.revenue, amount)]
    if overdraft:
        flags.append("insufficient_balance")
        postings.append((receivable_of(session, card.person_id, create=True), -overdraft))
    period = batch.period_at(at)
    booked = post_entry(
        session, kind="meal", amount=amount, method="wallet", postings=postings, created_dt=at,
        business_date=business_date(at, rules.timezone), idempotency_key=f"t{terminal.id}:off:{seq}",
        person_id=card.person_id, card_id=card.id, meal_period_id=period.id if period else None,
        terminal_id=terminal.id, operator_id=None, memo=f"脱机 {terminal.code} #{seq}")
    charge.entry_id = booked.entry.id
    session.add(charge)
    session.flush()
    if flags:
        _flag(session, charge, card, booked.entry.id, overdraft, flags, now)
    return ItemResult(seq, "booked", booked.entry.id, flags=flags)


def _online_tap_booked(session, terminal, item, charge) -> bool:
    """Claim the online tap's idempotency key; True (and the entry noted) if that tap was booked already.

    The terminal sent the tap online, got no answer, and charged it offline under the same key. If the
    server had booked it, the key's record exists; otherwise claiming the key makes a late copy of the
    online request replay this answer instead of charging again.
    """
    key = f"t{terminal.id}:{item['online_key']}"
    try:
        with session.begin_nested():
            session.add(IdempotencyRecord(key=key, fingerprint=fingerprint("tap", {"uid": item["uid"]}),
                                          status_code=409, response=json.dumps(
                                              {"error": {"code": "repeated_tap", "message": "已脱机入账"}})))
    except IntegrityError:
        charge.outcome = "duplicate"
        charge.entry_id = session.scalar(select(JournalEntry.id).where(JournalEntry.idempotency_key == key))
        return True
    return False


def _flag(session, charge, card, entry_id, overdraft, reasons, now) -> None:
    session.add(OfflineException(
        offline_charge_id=charge.id, entry_id=entry_id, terminal_id=charge.terminal_id,
        person_id=card.person_id if card else None, card_id=card.id if card else None, uid=charge.uid,
        amount=charge.amount, overdraft=overdraft, reason=",".join(dict.fromkeys(reasons))[:120],
        tapped_dt=charge.tapped_dt, created_dt=now))
