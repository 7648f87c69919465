"""Booking a run of offline charges in bulk: a few statements per batch instead of a dozen per charge.

A sync batch of a few hundred items is booked inside the sync's one transaction. The cards are read
in one query, the holders' accounts row-locked in one (ordered by id, as every booking locks them),
the split of each charge between subsidy, cash and the receivable worked out in order on the locked
balances, and the run's entries appended by the ledger's one writer in one go
(:func:`canteen.ledger.append.append_many`: each account changed once by the run's net amount, the
entries chained and written in multi-row statements), then the offline charge rows inserted. The
ledger's rules hold as for any entry: the same checks (:func:`canteen.ledger.entry.make_entry`), lock
order person accounts, then system accounts by id, then the chain head; nothing read-modify-written
without the row lock held.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.append import append_many
from canteen.ledger.entry import Entry, make_entry
from canteen.models import Account, Card, OfflineCharge, Person
from canteen.models.ledger import RECEIVABLE_PREFIX
from canteen.models.offline import OfflineException
from canteen.rules.cards import choice_key, refusal
from canteen.rules.wallet_split import split_meal
from canteen.services.common import normalise_uid


@dataclass
class Pending:
    """One validated offline item waiting in a run: what the sync decided, what the run books."""

    item: dict
    amount: int
    at: datetime
    flags: list[str]
    #: The tap time the terminal sealed (kept as sent even when the meal is booked at arrival).
    tapped: datetime | None = None
    status: str = "booked"
    code: str | None = None
    entry_id: int | None = None
    person_id: int | None = None
    card_id: int | None = None
    overdraft: int = 0
    legs: dict[int, int] = field(default_factory=dict)


def book_run(session: Session, terminal, rules, revenue: Account, period_at, run: list[Pending],
             now: datetime) -> None:
    """Book `run` (in sequence order) and fill in each item's status, entry, flags and code.

    `revenue` is the meal revenue account, `period_at(at)` the meal period open at an instant.
    """
    if not run:
        return
    cards = _cards(session, {p.item["uid"] for p in run})
    for p in run:
        card = cards.get(p.item["uid"])
        if isinstance(card, str):
            p.status, p.code = "unbooked", card
            p.flags.append(card)
        else:
            p.card_id, p.person_id = card
    people = sorted({p.person_id for p in run if p.person_id is not None})
    wallets = _lock_wallets(session, people)
    states = _states(session, {p.card_id for p in run if p.card_id}, people)
    receivables = _receivables(session, people)
    balances = {acc: bal for acc, (_, _, bal) in wallets.items()}
    by_person = {(pid, kind): acc for acc, (pid, kind, _) in wallets.items()}
    for p in run:
        if p.status != "booked":
            continue
        card_state, person_state = states[p.card_id], states[("person", p.person_id)]
        if refusal(card_state):
            p.flags.append(refusal(card_state))
        if person_state != "active":
            p.flags.append("person_cancelled")
        subsidy, cash = by_person[(p.person_id, "subsidy")], by_person[(p.person_id, "cash")]
        from_subsidy, from_cash, p.overdraft = split_meal(p.amount, balances[subsidy], balances[cash])
        legs = {subsidy: -from_subsidy, cash: -from_cash, revenue.id: p.amount}
        if p.overdraft:
            p.flags.append("insufficient_balance")
            if p.person_id not in receivables:
                receivables[p.person_id] = _new_receivable(session, p.person_id)
            legs[receivables[p.person_id]] = -p.overdraft
        p.legs = {acc: fen for acc, fen in legs.items() if fen}
        for acc, fen in p.legs.items():
            if acc in balances:
                balances[acc] += fen
    booked = [p for p in run if p.status == "booked"]
    rows = append_many(session, [_entry(p, terminal, rules, period_at, set(wallets)) for p in booked])
    for p, row in zip(booked, rows):
        p.entry_id = row.id
    _record(session, terminal, run, now)


def _entry(p: Pending, terminal, rules, period_at, wallets: set[int]) -> Entry:
    period = period_at(p.at)
    return make_entry("meal", p.amount, [(acc, fen, acc in wallets) for acc, fen in p.legs.items()],
                      created_dt=p.at, business_date=business_date(p.at, rules.timezone),
                      idempotency_key=f"t{terminal.id}:off:{p.item['seq']}", method="wallet", person_id=p.person_id,
                      card_id=p.card_id, terminal_id=terminal.id, meal_period_id=period.id if period else None,
                      memo=f"脱机 {terminal.code} #{p.item['seq']}")


def _cards(session: Session, uids: set[str]) -> dict[str, tuple[int, int] | str]:
    """Each UID's (card id, person id) as :func:`find_card` chooses it, or the refusal code."""
    found: dict[str, tuple[int, int] | str] = {}
    normal: dict[str, str] = {}
    for uid in uids:
        try:
            normal[uid] = normalise_uid(uid)
        except DomainError as exc:
            found[uid] = exc.code
    best: dict[str, tuple] = {}
    rows = session.execute(select(Card.uid, Card.id, Card.person_id, Card.state)
                           .where(Card.uid.in_(set(normal.values())))) if normal else []
    for uid, card_id, person_id, state in rows:
        rank = choice_key(state, card_id)
        if uid not in best or rank < best[uid][0]:
            best[uid] = (rank, (card_id, person_id))
    for raw, uid in normal.items():
        found[raw] = best[uid][1] if uid in best else "unknown_card"
    return found


def _lock_wallets(session: Session, people: list[int]) -> dict[int, tuple[int, str, int]]:
    """Row-lock the people's accounts in id order; {account id: (person id, kind, balance)}."""
    if not people:
        return {}
    rows = session.execute(select(Account.id, Account.person_id, Account.kind, Account.balance)
                           .where(Account.person_id.in_(people)).order_by(Account.id).with_for_update())
    return {acc: (pid, kind, bal) for acc, pid, kind, bal in rows}


def _states(session: Session, card_ids: set[int], people: list[int]) -> dict:
    """Card and person states read after the locks (a loss or cancellation may have committed meanwhile)."""
    states: dict = {}
    if card_ids:
        states.update(session.execute(select(Card.id, Card.state).where(Card.id.in_(card_ids))).all())
    if people:
        states.update({("person", pid): s for pid, s in
                       session.execute(select(Person.id, Person.state).where(Person.id.in_(people)))})
    return states


def _receivables(session: Session, people: list[int]) -> dict[int, int]:
    """{person id: receivable account id} of those who have one (guarded by their locked wallets)."""
    if not people:
        return {}
    codes = {f"{RECEIVABLE_PREFIX}{pid}": pid for pid in people}
    rows = session.execute(select(Account.code, Account.id).where(Account.code.in_(codes)))
    return {codes[code]: acc for code, acc in rows}


def _new_receivable(session: Session, person_id: int) -> int:
    return session.execute(insert(Account).values(kind="clearing", code=f"{RECEIVABLE_PREFIX}{person_id}",
                                                  balance=0).returning(Account.id)).scalar_one()


def _record(session: Session, terminal, run: list[Pending], now: datetime) -> None:
    """Insert the run's offline charge rows, and an exception for each one the server would have refused."""
    rows = [{"terminal_id": terminal.id, "seq": p.item["seq"], "uid": str(p.item["uid"])[:20], "amount": p.amount,
             "tapped_dt": p.tapped or p.at,
             "received_dt": now, "mac": p.item["mac"], "online_key": p.item.get("online_key"),
             "outcome": p.status, "entry_id": p.entry_id, "person_id": p.person_id, "card_id": p.card_id}
            for p in run]
    flagged = [p for p in run if p.flags]
    if not flagged:
        session.execute(insert(OfflineCharge.__table__), rows)
        return
    table = OfflineCharge.__table__
    ids = dict(session.execute(insert(table).returning(table.c.seq, table.c.id, sort_by_parameter_order=True),
                               rows).all())
    session.execute(insert(OfflineException.__table__), [{
        "offline_charge_id": ids[p.item["seq"]], "entry_id": p.entry_id, "terminal_id": terminal.id,
        "person_id": p.person_id, "card_id": p.card_id, "uid": str(p.item["uid"])[:20], "amount": p.amount,
        "overdraft": p.overdraft, "reason": ",".join(dict.fromkeys(p.flags))[:120], "tapped_dt": p.tapped or p.at,
        "created_dt": now} for p in flagged])
