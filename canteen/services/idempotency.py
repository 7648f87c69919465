"""Exactly-once writes: the first result of an idempotency key is stored and replayed.

The key's row is inserted at the start of the write's transaction, so a concurrent request
with the same key waits on the unique index until the first commits, then replays its
result. Meal charges use the late form (``late=True``): the record is written with the result,
in the same statement as the journal entry (see :func:`canteen.ledger.session.flush_pending`),
so a tap writes it once and holds the chain head's lock no longer for it; a concurrent request
with the same key waits on the holder's wallet lock instead, its own entry and record then hit
the unique keys, and it replays the first result. (The fast lane's optimistic taps lock nothing
before they write: a second request with the same key then finds the wallets changed or the keys
taken, its write fails as a whole, and the route replays the first result.)

A refusal that depends on the ledger's state (insufficient balance, card lost ...) is kept too,
so the same tap retried after a top-up is still the refused tap; a failure of the server itself
(database down) keeps nothing, and the retry runs.
"""
import hashlib
import json
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.ledger.append import ANSWER_ENTRY_ID
from canteen.ledger.session import DEFER, flush_pending
from canteen.models import IdempotencyRecord, utcnow


def fingerprint(operation: str, body) -> str:
    """SHA-256 of what a request asks for: its operation and its canonical JSON body."""
    text = json.dumps([operation, body], ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


#: Refusals that depend on the ledger's state at the time (balance, card state, shift ...): the
#: key keeps them, so a retry of the same request cannot succeed later. Refusals of the input
#: itself (400) come out the same on every retry and are not kept; 401/403 are not about the key.
STATE_REFUSALS = (402, 404, 409)


def run_once(
    session: Session, key: str, print_: str, action: Callable[[], tuple[int, dict]],
    refusal: Callable[[DomainError], dict] | None = None, *, late: bool = False,
) -> tuple[int, dict, bool]:
    """Run `action` once per `key` and commit; return (status, body, replayed).

    A DomainError from `action` rolls its writes back. A refusal that depends on the state of
    the ledger is then kept for the key (rendered by `refusal`) and returned like a result;
    any other refusal propagates and leaves nothing behind.

    `late` writes the key's record with the result instead of first; only for actions that lock
    what they change before they write (a meal charge locks the holder's wallets), so a second
    request with the same key cannot overtake the first.
    """
    if late:
        return _run_late(session, key, print_, action, refusal)
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
    except DomainError as refused:
        session.rollback()
        if refusal is None or refused.status not in STATE_REFUSALS:
            raise
        return _keep_refusal(session, key, print_, refused.status, refusal(refused))
    except BaseException:
        session.rollback()
        raise
    return status, body, False


def book_late(session, key: str, print_: str, action: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """The late form's way when all goes well: `action`, then its entry and the key's record in one
    write, then the commit. Anything raised leaves the transaction for the caller to roll back."""
    session.info[DEFER] = True
    try:
        status, body = action()
    finally:
        session.info.pop(DEFER, None)
    written = flush_pending(session, {"key": key, "fingerprint": print_, "status_code": status,
                                      "response": json.dumps(body, ensure_ascii=False), "created_dt": utcnow(),
                                      "id_path": ANSWER_ENTRY_ID})
    session.commit()
    if written is not None:  # the entry is numbered as it is written; the stored answer got its id the same way
        _at(body, ANSWER_ENTRY_ID[:-1])[ANSWER_ENTRY_ID[-1]] = written.id
    return status, body


def _at(answer: dict, path) -> dict:
    for name in path:
        answer = answer[name]
    return answer


def _run_late(session, key, print_, action, refusal) -> tuple[int, dict, bool]:
    try:
        status, body = book_late(session, key, print_, action)
    except IntegrityError:
        session.rollback()
        if session.get(IdempotencyRecord, key) is None:
            session.rollback()
            raise
        return _replay(session, key, print_)
    except DomainError as refused:
        session.rollback()
        if refusal is not None and refused.status in STATE_REFUSALS:
            return _keep_refusal(session, key, print_, refused.status, refusal(refused))
        if session.get(IdempotencyRecord, key) is not None:  # the key's first request wins over this refusal
            return _replay(session, key, print_)
        session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    return status, body, False


def _keep_refusal(session: Session, key: str, print_: str, status: int, body: dict) -> tuple[int, dict, bool]:
    """Store a refusal for the key; if a concurrent retry got there first, answer with its result."""
    try:
        session.add(IdempotencyRecord(key=key, fingerprint=print_, status_code=status,
                                      response=json.dumps(body, ensure_ascii=False)))
        session.commit()
    except IntegrityError:
        session.rollback()
        return _replay(session, key, print_)
    return status, body, False


def _replay(session: Session, key: str, print_: str) -> tuple[int, dict, bool]:
    first = session.get(IdempotencyRecord, key)
    session.rollback()
    if first is None:  # the first attempt rolled back between our insert and this read: let the client retry
        raise DomainError("idempotency_conflict", "请求正在处理，请重试")
    if first.fingerprint != print_:
        raise DomainError("idempotency_conflict")
    return first.status_code, json.loads(first.response), True
