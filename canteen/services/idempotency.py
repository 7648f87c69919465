"""Exactly-once writes: the first result of an idempotency key is stored and replayed.

The key's row is inserted at the start of the write's transaction, so a concurrent request
with the same key waits on the unique index until the first commits, then replays its
result; if the first fails, nothing of it (the key included) is kept and the retry runs.
"""
import hashlib
import json
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.models import IdempotencyRecord


def fingerprint(operation: str, body) -> str:
    """SHA-256 of what a request asks for: its operation and its canonical JSON body."""
    text = json.dumps([operation, body], ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_once(
    session: Session, key: str, print_: str, action: Callable[[], tuple[int, dict]],
) -> tuple[int, dict, bool]:
    """Run `action` once per `key` and commit; return (status, body, replayed).

    A DomainError from `action` rolls everything back (the key too) and propagates.
    """
    record = IdempotencyRecord(key=key, fingerprint=print_, status_code=0, response="")
    try:
        session.add(record)
        session.flush()
    except IntegrityError:
        session.rollback()
        return _replay(session, key, print_)
    try:
        status, body = action()
        record.status_code, record.response = status, json.dumps(body, ensure_ascii=False)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return status, body, False


def _replay(session: Session, key: str, print_: str) -> tuple[int, dict, bool]:
    first = session.get(IdempotencyRecord, key)
    session.rollback()
    if first is None:  # the first attempt rolled back between our insert and this read: let the client retry
        raise DomainError("idempotency_conflict", "请求正在处理，请重试")
    if first.fingerprint != print_:
        raise DomainError("idempotency_conflict")
    return first.status_code, json.loads(first.response), True
