"""Diners' self-service sign-in (自助查询): one-time set-up codes, passwords, lockout, the low-balance reminder.

A cashier or admin creates a one-time code (一次性验证码) for a person; the diner enters it with their
staff number to choose a password. The code is random, only its hash is stored, it expires, and a
conditional update lets it work exactly once. Five failures in a row (wrong password or wrong code)
lock the sign-in for 15 minutes.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from canteen.errors import DomainError
from canteen.models import Person
from canteen.models.diner_accounts import DinerAccount, DinerSetupCode
from canteen.services.people import require_active
from canteen.services.signin import LOCK_AFTER, LOCK_FOR, SignInResult, check_password, count_failure, locked_minutes

__all__ = ["LOCK_AFTER", "LOCK_FOR", "SignInResult"]
#: No 0/O, 1/I/L: a code read aloud or from paper is typed right. 10 of 31 symbols: about 50 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODE_HOURS = 24 * 14


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(text) -> str:
    """A code as typed (any case, spaces, dashes) in its stored form."""
    return "".join(c for c in str(text or "").upper() if c.isalnum())[:40]


def account_of(session: Session, person_id: int, *, create: bool = False) -> DinerAccount | None:
    """The person's self-service account row (made on demand when `create`)."""
    account = session.get(DinerAccount, person_id)
    if account is None and create:
        account = DinerAccount(person_id=person_id, failed_logins=0)
        session.add(account)
        session.flush()
    return account


def create_setup_code(session: Session, person: Person, *, now: datetime, hours: int = 24,
                      operator_id: int | None = None) -> str:
    """A fresh one-time code for `person`, valid `hours`; earlier unused codes stop working. Shown once."""
    require_active(person)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_CODE_HOURS:
        raise DomainError("invalid_input", f"有效期须为 1 至 {MAX_CODE_HOURS} 小时")
    account_of(session, person.id, create=True)
    session.execute(update(DinerSetupCode).where(DinerSetupCode.person_id == person.id,
                                                 DinerSetupCode.used_dt.is_(None)).values(used_dt=now))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(DinerSetupCode(person_id=person.id, code_hash=_digest(code), created_dt=now,
                               expires_dt=now + timedelta(hours=hours), operator_id=operator_id))
    session.flush()
    return f"{code[:5]}-{code[5:]}"


def check_password_rules(password: str, staff_no: str) -> str | None:
    """Why `password` is not acceptable, or None: 8 to 128 characters, letters and digits, not the staff number."""
    if len(password or "") < 8:
        return "密码至少 8 位"
    if len(password) > 128:
        return "密码过长"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "密码须同时包含字母和数字"
    if staff_no and staff_no.lower() in password.lower():
        return "密码不能包含工号"
    return None


def _person(session: Session, staff_no) -> Person | None:
    staff_no = str(staff_no or "").strip()[:32]
    return session.scalar(select(Person).where(Person.staff_no == staff_no)) if staff_no else None


def _locked(account: DinerAccount | None, now: datetime) -> int:
    """Minutes the account stays locked (0: not locked)."""
    return locked_minutes(account.locked_until_dt if account is not None else None, now)


def _failure(session: Session, person: Person | None, now: datetime, detail: str) -> SignInResult:
    """Count a failure in a row (the shared rule of :mod:`canteen.services.signin`); the fifth locks."""
    if person is None:
        return SignInResult("failed", None, detail=detail)
    account = account_of(session, person.id, create=True)
    result = count_failure(session, DinerAccount, DinerAccount.person_id, account.person_id, now, detail)
    result.who = person
    return result


def _success(account: DinerAccount, person: Person, now: datetime) -> SignInResult:
    account.failed_logins, account.locked_until_dt, account.last_signin_dt = 0, None, now
    return SignInResult("ok", person)


def authenticate(session: Session, *, staff_no, password, now: datetime) -> SignInResult:
    """Check a staff number and password; failures are counted (the caller commits either way)."""
    person = _person(session, staff_no)
    account = account_of(session, person.id) if person else None
    minutes = _locked(account, now)
    if minutes:
        return SignInResult("locked", person, minutes=minutes, detail="locked")
    usable = person is not None and person.state == "active" and account is not None
    if not check_password(account.password_hash if usable else None, str(password or "")[:128]):
        return _failure(session, person, now, "unknown staff number" if person is None else "bad password")
    return _success(account, person, now)


def set_password_with_code(session: Session, *, staff_no, code, password, now: datetime) -> SignInResult:
    """Use a one-time code to set the diner's password; the code is spent even under racing requests.

    A weak password is refused before the code is looked at (``weak_password``, nothing counted or spent).
    """
    person = _person(session, staff_no)
    problem = check_password_rules(str(password or ""), person.staff_no if person else "")
    if problem:
        raise DomainError("weak_password", problem)
    account = account_of(session, person.id) if person else None
    minutes = _locked(account, now)
    if minutes:
        return SignInResult("locked", person, minutes=minutes, detail="locked")
    if person is None or person.state != "active" or account is None:
        return _failure(session, person, now, "no such diner")
    spent = session.execute(
        update(DinerSetupCode).where(DinerSetupCode.person_id == person.id,
                                     DinerSetupCode.code_hash == _digest(code),
                                     DinerSetupCode.used_dt.is_(None), DinerSetupCode.expires_dt > now)
        .values(used_dt=now).returning(DinerSetupCode.id)).first()
    if spent is None:
        return _failure(session, person, now, "bad, used or expired code")
    account.password_hash = generate_password_hash(password)
    account.password_set_dt = now
    return _success(account, person, now)


def session_tag(account: DinerAccount) -> str:
    """What a signed-in session remembers: changing the password or signing out ends every session."""
    return f"{account.person_id}:{(account.password_hash or '')[-12:]}:{account.session_generation or 0}"


def person_for_tag(session: Session, tag) -> Person | None:
    """The active person a session tag names, if the password is still the one signed in with."""
    person_id, tail, generation = (str(tag or "").split(":") + ["", ""])[:3]
    account = session.get(DinerAccount, int(person_id)) if person_id.isdigit() and len(person_id) < 19 else None
    if (account is None or not account.password_hash or account.password_hash[-12:] != tail
            or str(account.session_generation or 0) != generation):
        return None
    person = session.get(Person, account.person_id)
    return person if person is not None and person.state == "active" else None


def set_low_balance(session: Session, person: Person, threshold) -> None:
    """Set (positive fen, at most 1000 yuan) or clear (None) the diner's low-balance reminder."""
    if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool)
                                  or not 0 < threshold <= 100_000):
        raise DomainError("invalid_amount", "提醒金额须在 0.01 至 1000 元之间")
    account_of(session, person.id, create=True).low_balance_fen = threshold
    session.flush()


def low_balance_threshold(session: Session, person_id: int) -> int | None:
    """The diner's reminder threshold in fen, if set (one primary-key read; on the tap's path)."""
    return session.scalar(select(DinerAccount.low_balance_fen).where(DinerAccount.person_id == person_id))
