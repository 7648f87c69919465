"""Posting journal entries: the one place balances change.

Every money movement goes through :func:`post_entry` (services working with ORM objects) or
:func:`canteen.services.ledger_fast.post_fast` (the tap's path, Core statements only). Both apply each posting as a
conditional UPDATE (a person's account can never be overdrawn), append the entry to the hash
chain under the chain head's row lock, and write the postings, all inside the caller's
transaction. Lock order is always: the person's accounts, then system accounts by id, then
the chain head, so concurrent entries cannot deadlock.

The chain head's lock serialises every entry until its transaction commits; the fast path
(:mod:`canteen.services.ledger_fast`) takes it in its last statement before the commit.
"""
import weakref
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.ledger_hash import chained
from canteen.models import Account, JournalEntry, LedgerHead, Posting
from canteen.models.ledger import PERSON_KINDS
from canteen.services.ledger_fast import flush_pending, merge_legs


@dataclass
class Booked:
    """A posted entry and the balances its postings left behind."""

    entry: JournalEntry
    balances: dict[int, int]


def person_accounts(session: Session, person_id: int, *, lock: bool = True) -> dict[str, Account]:
    """The person's cash, subsidy and deposit accounts, row-locked for the transaction.

    Locking them first serialises everything one person does (limits, refunds), while
    different people proceed in parallel.
    """
    query = select(Account).where(Account.person_id == person_id).order_by(Account.id)
    if lock:
        query = query.with_for_update()
    return {a.kind: a for a in session.scalars(query)}


def system_account(session: Session, code: str) -> Account:
    """A system account by its code (created by the migrations or when a shift opens)."""
    account = session.scalar(select(Account).where(Account.code == code))
    if account is None:
        raise LookupError(f"system account {code!r} is missing; run `canteen init-db`")
    return account


_SYSTEM_IDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def system_account_id(session: Session, code: str) -> int:
    """The id of a system account that is never removed (``meal_revenue`` ...), cached per database."""
    engine = session.get_bind()
    ids = _SYSTEM_IDS.setdefault(engine, {})
    found = ids.get(code)
    if found is None:
        found = session.scalar(select(Account.id).where(Account.code == code))
        if found is None:
            raise LookupError(f"system account {code!r} is missing; run `canteen init-db`")
        ids[code] = found
    return found


def post_entry(
    session: Session,
    *,
    kind: str,
    amount: int,
    postings: list[tuple[Account, int]],
    created_dt: datetime,
    business_date: date,
    idempotency_key: str,
    **refs,
) -> Booked:
    """Book one entry; raise ``insufficient_balance`` if a person's account would go below zero.

    `postings` are (account, signed fen) pairs that must sum to zero; several legs on one
    account are merged. `refs` are the entry's other columns (person_id, terminal_id ...).
    """
    flush_pending(session)
    kinds = {account.id: account.kind for account, _ in postings}
    legs = merge_legs((account.id, fen) for account, fen in postings)
    if sum(legs.values()) != 0 or not legs:
        raise ValueError(f"postings of a {kind} entry must be non-empty and sum to zero: {legs}")
    person_first = sorted(legs, key=lambda acc: (kinds[acc] not in PERSON_KINDS, acc))
    balances = {acc: _apply(session, acc, legs[acc], kinds[acc] in PERSON_KINDS) for acc in person_first}

    head = session.execute(
        select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
        .execution_options(populate_existing=True)  # the fast path moves the head without the ORM
    ).scalar_one()
    fields = chained(head.last_id, head.last_hash, dict(
        refs, kind=kind, amount=amount, created_dt=created_dt, business_date=business_date,
        idempotency_key=idempotency_key), legs)
    entry = JournalEntry(**fields)
    session.add(entry)
    session.flush()
    session.execute(insert(Posting), [
        {"entry_id": entry.id, "account_id": acc, "amount": fen} for acc, fen in sorted(legs.items())
    ])
    head.last_id, head.last_hash, head.prev_hash = entry.id, fields["hash"], fields["prev_hash"]
    session.flush()
    for account, _ in postings:
        if account.id in balances:
            session.expire(account, ["balance"])
    return Booked(entry, balances)


def _apply(session: Session, account_id: int, fen: int, guarded: bool) -> int:
    """Add `fen` to one account's balance; a debit on a person's account must not overdraw it."""
    stmt = update(Account).where(Account.id == account_id)
    if guarded and fen < 0:
        stmt = stmt.where(Account.balance >= -fen)
    row = session.execute(
        stmt.values(balance=Account.balance + fen).returning(Account.balance),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        raise DomainError("insufficient_balance")
    return row[0]
