"""What a diner owes for offline meals beyond their wallets (their receivable, 应收), and who repays it when.

An offline charge the wallets could not cover is debited to the person's receivable
(:mod:`canteen.services.offline`). Money that comes back to the diner repays it first: a top-up
(:mod:`canteen.services.topup`), a refund of a meal (even of the overdrawn meal itself), and the
cash and deposit a cancellation (清退) would pay out. What a cancellation cannot cover stays on the
receivable and is listed with the offline exceptions, so it never vanishes.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import Account, JournalEntry, Person, Posting
from canteen.models.base import fen_sum
from canteen.models.ledger import RECEIVABLE_PREFIX


def owed_account(session: Session, person_id: int) -> Account | None:
    """The person's receivable account, if they ever had one (read with the person's accounts locked)."""
    return session.scalar(select(Account).where(Account.code == f"{RECEIVABLE_PREFIX}{person_id}")
                          .execution_options(populate_existing=True))


def owed(account: Account | None) -> int:
    """What is owed on a receivable, positive fen."""
    return -account.balance if account is not None and account.balance < 0 else 0


def receivable_left(session: Session, original: JournalEntry) -> int:
    """The part of a meal that was debited to the receivable and is not refunded yet."""
    receivable = select(Account.id).where(Account.code.startswith(RECEIVABLE_PREFIX)).scalar_subquery()
    paid = -session.scalar(select(fen_sum(Posting.amount)).where(
        Posting.entry_id == original.id, Posting.account_id.in_(receivable)))
    back = session.scalar(select(fen_sum(Posting.amount)).join(JournalEntry, JournalEntry.id == Posting.entry_id)
                          .where(JournalEntry.original_id == original.id, Posting.account_id.in_(receivable)))
    return paid - back


def refund_split(left: dict[str, int], amount: int, debt: int) -> tuple[int, int, int]:
    """(cash back, subsidy back, debt repaid) of refunding `amount` of a meal with `left` still refundable.

    The debt is repaid first; of the rest cash comes back first (it never expires), but subsidy never
    gets back more than the meal took from it.
    """
    repaid = min(amount, debt)
    rest = amount - repaid
    cash_back = min(rest, max(0, sum(left.values()) - left.get("subsidy", 0) - repaid))
    return cash_back, rest - cash_back, repaid


@dataclass
class Outstanding:
    """A person who owes for offline meals: shown with the offline exceptions."""

    person_id: int
    name: str
    state: str
    owed: int


def outstanding(session: Session) -> list[Outstanding]:
    """Everyone whose receivable is not repaid, largest debt first (a cancelled person's stays listed)."""
    rows = session.execute(select(Account.code, Account.balance).where(
        Account.code.startswith(RECEIVABLE_PREFIX), Account.balance < 0))
    debts = {int(code[len(RECEIVABLE_PREFIX):]): -balance for code, balance in rows}
    if not debts:
        return []
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(debts)))}
    return sorted((Outstanding(pid, people[pid].name, people[pid].state, fen) for pid, fen in debts.items()),
                  key=lambda o: (-o.owed, o.person_id))
