"""Booking an entry from ORM accounts: what the cashier's, manager's and batch services call.

A thin form of :func:`canteen.ledger.append.append` for services that work with :class:`Account` objects: the
legs on people's accounts are guarded (never below zero) because of the account's kind, and the entry comes back
as the ORM object, with the new balance of every account it moved.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.ledger.append import append
from canteen.ledger.entry import make_entry
from canteen.models import Account, JournalEntry
from canteen.models.ledger import NO_OVERDRAFT_KINDS


@dataclass
class Booked:
    """A posted entry and the balances its postings left behind."""

    entry: JournalEntry
    balances: dict[int, int]


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

    `postings` are (account, signed fen) pairs that must sum to zero; several legs on one account are merged.
    `refs` are the entry's other columns (person_id, terminal_id ...).
    """
    legs = [(account.id, fen, account.kind in NO_OVERDRAFT_KINDS) for account, fen in postings]
    entry = make_entry(kind, amount, legs, created_dt=created_dt, business_date=business_date,
                       idempotency_key=idempotency_key, **refs)
    row = append(session, entry).row
    moved = [leg.account for leg in entry.legs]
    balances = dict(session.execute(select(Account.id, Account.balance).where(Account.id.in_(moved))).all())
    return Booked(session.get(JournalEntry, row.id), balances)
