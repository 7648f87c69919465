"""The one sign-in (登录) of the canteen: back office, till approvals, the API and the diners' pages all use it.

* Five failures in a row lock the account for 15 minutes (:data:`LOCK_AFTER`, :data:`LOCK_FOR`); a success
  resets the count. The count and the lock live in the database, so every server process sees them.
* Whether or not the account exists, the password is checked against a hash (a dummy one for unknown or
  deactivated accounts), so the answer takes as long either way and does not tell which user names exist.
* Every success and failure writes an audit row (the caller commits).
* Every account has a session generation that signed-in sessions remember; :func:`end_sessions` moves it on, so
  signing out or changing the password ends every session of the account, wherever its cookie was copied.

The hourly limits (per account, per client address) are counted by the web layer with Flask-Limiter
(:mod:`canteen.web_security`), Redis when configured.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from canteen.models import Operator
from canteen.services.audit_trail import record_audit

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
#: Longest user name and password even looked at.
MAX_USERNAME = 50
MAX_PASSWORD = 200


@dataclass
class SignInResult:
    """How a sign-in went: ``ok``, ``failed`` or ``locked`` (then `minutes` until it opens)."""

    outcome: str
    who: object | None = None
    minutes: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when the account is signed in."""
        return self.outcome == "ok"

    @property
    def operator(self) -> Operator | None:
        """The operator signed in (operator sign-ins)."""
        return self.who

    @property
    def person(self):
        """The diner signed in (diner sign-ins)."""
        return self.who


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of no one's password, made the way real ones are (werkzeug's default)."""
    return generate_password_hash("no such account: the same work as a real check")


def check_password(stored_hash: str | None, password) -> bool:
    """Whether `password` matches `stored_hash`; with no hash, the same work is done against a dummy one."""
    password = str(password or "")[:MAX_PASSWORD]
    if not stored_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)


def locked_minutes(locked_until: datetime | None, now: datetime) -> int:
    """Minutes an account stays locked (0: not locked)."""
    if locked_until is None or locked_until <= now:
        return 0
    return int((locked_until - now).total_seconds() // 60) + 1


def count_failure(session: Session, table, key_column, key, now: datetime, detail: str) -> SignInResult:
    """Count a failure in a row on the row `key_column == key` of `table` (an atomic increment); the fifth locks
    the account for :data:`LOCK_FOR` and starts the count again."""
    failures = session.execute(
        update(table).where(key_column == key).values(failed_logins=table.failed_logins + 1)
        .returning(table.failed_logins)).scalar_one()
    if failures >= LOCK_AFTER:
        session.execute(update(table).where(key_column == key)
                        .values(failed_logins=0, locked_until_dt=now + LOCK_FOR))
        return SignInResult("locked", minutes=int(LOCK_FOR.total_seconds() // 60),
                            detail=f"{failures} failures in a row")
    return SignInResult("failed", detail=detail)


def end_sessions(session: Session, account) -> None:
    """End every signed-in session of `account` (an Operator or a DinerAccount) at its next request: the
    account's session generation moves on (sign-out, password change). The caller commits."""
    table = type(account)
    key = table.__mapper__.primary_key[0]
    session.flush()
    session.execute(update(table).where(key == getattr(account, key.key))
                    .values(session_generation=table.session_generation + 1))
    session.expire(account, ["session_generation"])


def clean_username(text) -> str:
    """A user name as typed, trimmed and cut to :data:`MAX_USERNAME`."""
    return str(text or "").strip()[:MAX_USERNAME]


def sign_in_operator(session: Session, *, username, password, now: datetime, remote_addr: str | None,
                     action: str = "login") -> SignInResult:
    """Check an operator's user name and password; count, lock and audit (as `action`). The caller commits."""
    name = clean_username(username)
    operator = session.scalar(select(Operator).where(func.lower(Operator.username) == name.lower())) if name else None
    minutes = locked_minutes(operator.locked_until_dt if operator else None, now)
    if minutes:  # the answer says so anyway: no password is looked at
        result = SignInResult("locked", operator, minutes, "locked")
    elif operator is None or not operator.active:
        check_password(None, password)
        if operator is None:
            result = SignInResult("failed", None, detail="unknown user")
        else:
            result = count_failure(session, Operator, Operator.id, operator.id, now, "inactive")
            result.who = operator
    elif not check_password(operator.password_hash, password):
        result = count_failure(session, Operator, Operator.id, operator.id, now, "bad password")
        result.who = operator
    else:
        operator.failed_logins, operator.locked_until_dt = 0, None
        result = SignInResult("ok", operator)
    record_audit(session, action=action, result=result.outcome, operator_id=operator.id if operator else None,
                 username=operator.username if operator else name, remote_addr=remote_addr,
                 detail=None if result.ok else result.detail)
    return result
