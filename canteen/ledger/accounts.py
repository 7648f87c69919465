"""Finding the accounts an entry moves: a person's wallets (row-locked first: the ledger's lock order), and the
system accounts by code."""
import weakref

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import Account


def person_accounts(session: Session, person_id: int, *, lock: bool = True) -> dict[str, Account]:
    """The person's cash, subsidy and deposit accounts, row-locked for the transaction unless `lock` is false.

    Locking them first serialises everything one person does (limits, refunds), while different people proceed
    in parallel.
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
