"""Registering diners: a person comes with their cash, subsidy and deposit accounts."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.ledger.accounts import person_accounts
from canteen.models import Account, Department, DinerCategory, Person
from canteen.models.ledger import PERSON_KINDS


def create_person(
    session: Session, *, staff_no: str, name: str, department: Department,
    category: DinerCategory, phone: str | None = None,
) -> Person:
    """A new diner with empty wallets (staff numbers are unique; the database enforces it)."""
    staff_no, name = (staff_no or "").strip(), (name or "").strip()
    if not staff_no or not name or len(staff_no) > 32 or len(name) > 50:
        raise DomainError("invalid_input", "工号和姓名不能为空")
    person = Person(staff_no=staff_no, name=name, department=department, category=category, phone=phone)
    session.add(person)
    session.flush()
    session.add_all(Account(kind=kind, person_id=person.id, balance=0) for kind in PERSON_KINDS)
    session.flush()
    return person


def get_person(session: Session, person_id) -> Person:
    """A person by id, or ``person_not_found``."""
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None:
        raise DomainError("person_not_found")
    return person


def find_person(session: Session, staff_no: str) -> Person:
    """A person by staff number (工号), or ``person_not_found``."""
    person = session.scalar(select(Person).where(Person.staff_no == staff_no))
    if person is None:
        raise DomainError("person_not_found", staff_no)
    return person


def require_active(person: Person) -> Person:
    """Refuse operations on a person whose account was cancelled (清退)."""
    if person.state != "active":
        raise DomainError("person_cancelled")
    return person


def lock_active_person(session: Session, person_id: int) -> tuple[Person, dict[str, Account]]:
    """Row-lock the person's accounts, then re-read the person: refused if cancelled meanwhile.

    Everything that changes one person's money or cards takes this lock first, so a top-up,
    refund or reissue racing a cancellation (清退) sees the cancellation, not a stale state.
    """
    wallets = person_accounts(session, person_id)
    person = session.get(Person, person_id, populate_existing=True)
    return require_active(person), wallets
