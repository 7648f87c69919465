"""Plain JSON shapes of people, cards, entries and results, shared by every endpoint."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.ledger.accounts import person_accounts
from canteen.models import Account, Card, JournalEntry, Person
from canteen.models.ledger import RECEIVABLE_PREFIX


def person_dict(person: Person) -> dict:
    """A person without balances."""
    return {"id": person.id, "staff_no": person.staff_no, "name": person.name, "state": person.state,
            "department": person.department.name, "category": person.category.name}


def balances(session: Session, person: Person) -> dict:
    """The person's wallets in fen (unlocked read). `owed`, present only when not zero, is what offline
    meals overdrew; it makes `spendable` negative until a top-up repays it."""
    wallets = person_accounts(session, person.id, lock=False)
    cash, subsidy, deposit = (wallets[k].balance for k in ("cash", "subsidy", "deposit"))
    owed = -(session.scalar(select(Account.balance).where(Account.code == f"{RECEIVABLE_PREFIX}{person.id}")) or 0)
    shown = {"cash": cash, "subsidy": subsidy, "deposit": deposit, "spendable": cash + subsidy - owed}
    return shown | ({"owed": owed} if owed else {})


def card_dict(card: Card) -> dict:
    """A card's public facts."""
    return {"id": card.id, "uid": card.uid, "printed_no": card.printed_no, "state": card.state,
            "deposit": card.deposit, "issued_dt": card.issued_dt.isoformat(), "person_id": card.person_id}


def entry_dict(entry: JournalEntry | None) -> dict | None:
    """A journal entry's headline facts (for receipts and statements)."""
    if entry is None:
        return None
    return {"id": entry.id, "kind": entry.kind, "amount": entry.amount, "method": entry.method,
            "created_dt": entry.created_dt.isoformat(), "business_date": entry.business_date.isoformat(),
            "person_id": entry.person_id, "card_id": entry.card_id, "terminal_id": entry.terminal_id,
            "operator_id": entry.operator_id, "approver_id": entry.approver_id, "shift_id": entry.shift_id,
            "meal_period_id": entry.meal_period_id, "original_id": entry.original_id, "memo": entry.memo}
