"""Top-ups (充值): money paid in becomes a liability to the diner, never revenue."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import Booked, post_entry
from canteen.models import Account, Person
from canteen.models.ledger import RECEIVABLE_PREFIX
from canteen.services.common import Actor, Rules, check_amount, open_shift_of, require_operator, require_shift
from canteen.services.people import lock_active_person

TOP_UP_METHODS = ("cash", "wechat", "alipay", "bank")


@dataclass
class MoneyIn:
    """Where money paid at the till lands: the shift's drawer for cash, else the method's clearing account."""

    account: Account
    shift_id: int | None


def money_in(session: Session, actor: Actor, method: str) -> MoneyIn:
    """The account money paid by `method` lands in; cash needs the operator's open shift."""
    if method not in TOP_UP_METHODS:
        raise DomainError("invalid_method", str(method)[:20])
    if method == "cash":
        shift = require_shift(session, actor)
        return MoneyIn(system_account(session, f"drawer:{shift.id}"), shift.id)
    shift = open_shift_of(session, actor.operator)
    return MoneyIn(system_account(session, f"clearing:{method}"), shift.id if shift else None)


def top_up(session: Session, actor: Actor, rules: Rules, *, person: Person, amount, method: str) -> Booked:
    """Credit `amount` fen to the person's cash wallet, paid by `method`.

    What the person owes for offline meals beyond their wallets (their receivable) is repaid first.
    """
    require_operator(actor, "cashier", "manager", "admin")
    amount = check_amount(amount, rules)
    source = money_in(session, actor, method)
    person, wallets = lock_active_person(session, person.id)
    owed = session.scalar(select(Account).where(Account.code == f"{RECEIVABLE_PREFIX}{person.id}"))
    repay = min(amount, -owed.balance) if owed is not None and owed.balance < 0 else 0
    return post_entry(
        session, kind="top_up", amount=amount, method=method,
        postings=[(wallets["cash"], amount - repay), (source.account, -amount)] + ([(owed, repay)] if repay else []),
        created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
        idempotency_key=actor.key, person_id=person.id, shift_id=source.shift_id, **actor.refs,
    )
