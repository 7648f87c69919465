"""A person's ledger (个人账户流水): every entry with a posting on one of the person's accounts.

The one definition behind the person's statement (the back office's 个人对账单 and ``GET /people/{id}/statement``)
and the diner's own history on ``/me/``. An entry belongs to a person's ledger because it moves their money, not
because it names them: a subsidy batch or its expiry moves many people's wallets in one entry that names nobody,
and still shows on each of their statements.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import Account, JournalEntry, Posting
from canteen.models.base import fen_sum
from canteen.models.ledger import PERSON_KINDS


@dataclass
class PersonEntry:
    """One entry of a person's ledger, and what it moved on each of their accounts (cash, subsidy, deposit)."""

    entry: JournalEntry
    legs: dict[str, int] = field(default_factory=dict)

    @property
    def moved(self) -> int:
        """What the entry changed the person's money by, all their accounts together."""
        return sum(self.legs.values())


def person_account_ids(session: Session, person_id: int) -> dict[int, str]:
    """{account id: kind} of the person's own accounts."""
    return dict(session.execute(select(Account.id, Account.kind).where(
        Account.person_id == person_id, Account.kind.in_(PERSON_KINDS))).all())


def person_entries(session: Session, person_id: int, start: date | None = None, end: date | None = None, *,
                   kind: str | None = None, limit: int | None = None, newest_first: bool = True) -> list[PersonEntry]:
    """The entries moving the person's money with business dates between `start` and `end` (either open), of
    `kind` if given, newest first (or oldest first), at most `limit`."""
    accounts = person_account_ids(session, person_id)
    if not accounts:
        return []
    query = select(JournalEntry).where(
        JournalEntry.id.in_(select(Posting.entry_id).where(Posting.account_id.in_(list(accounts)))))
    if start is not None:
        query = query.where(JournalEntry.business_date >= start)
    if end is not None:
        query = query.where(JournalEntry.business_date <= end)
    if kind:
        query = query.where(JournalEntry.kind == kind)
    query = query.order_by(JournalEntry.id.desc() if newest_first else JournalEntry.id)
    if limit is not None:
        query = query.limit(limit)
    found = []
    for entry in session.scalars(query):  # postings come with the entry (selectin)
        legs = {}
        for posting in entry.postings:
            if posting.account_id in accounts:
                legs[accounts[posting.account_id]] = legs.get(accounts[posting.account_id], 0) + int(posting.amount)
        found.append(PersonEntry(entry, legs))
    return found


def balance_before(session: Session, person_id: int, day: date) -> int:
    """What the person's accounts held together before business date `day` (a statement's opening balance)."""
    accounts = person_account_ids(session, person_id)
    if not accounts:
        return 0
    return int(session.scalar(
        select(fen_sum(Posting.amount)).join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.account_id.in_(list(accounts)), JournalEntry.business_date < day)) or 0)
