"""What the writer needs of a session: the ORM Session, or a :class:`CoreSession` on one plain connection.

An entry may be deferred (:data:`DEFER`, asked for by the exactly-once wrapper
:func:`canteen.services.idempotency.book_late`): its rows are written right before the commit, together with the
request's idempotency record, so the shared rows (system accounts, chain head) are locked for one statement and the
commit only. The session remembers it under :data:`PENDING`; the ORM Session's commit writes it if nobody did, and
a rollback forgets it.
"""
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from canteen.direct import statement
from canteen.ledger.statements import record_insert, record_params
from canteen.models import Account, LedgerHead

#: session.info keys: an entry whose rows wait for the commit, and the flag asking for that.
PENDING = "canteen_pending_entry"
DEFER = "canteen_defer_entry"


class CoreSession:
    """The few things the tap's services use of a Session, on a plain Core connection.

    SQLAlchemy's ORM Session costs a tap more CPU in its own bookkeeping (connection, commit, close)
    than the database spends on the tap; the terminals' fast lane (:mod:`canteen.api.lane`) books a
    tap on one pooled connection through this instead. It has no identity map: what needs ORM
    objects (``MealCharge.person`` ...) is not for it.

    An `optimistic` session (PostgreSQL, `conn` in autocommit) reads without locking, every statement
    its own transaction, and writes its one entry in one statement that fails unless what was read
    still holds (:func:`canteen.ledger.append.append` with an entry's ``read`` balances).
    """

    def __init__(self, conn, optimistic: bool = False):
        self.conn = conn
        self.info: dict = {}
        self.optimistic = optimistic

    def connection(self):
        """The connection, in its transaction."""
        if not self.conn.in_transaction():
            self.conn.begin()
        return self.conn

    def get_bind(self):
        return self.conn.engine

    def execute(self, statement, params=None):
        return self.conn.execute(statement, params)

    def scalar(self, statement, params=None):
        return self.conn.execute(statement, params).scalar()

    def scalars(self, statement, params=None):
        return self.conn.execute(statement, params).scalars()

    def commit(self) -> None:
        """Write a deferred entry if one is left, then commit."""
        flush_pending(self)
        self.conn.commit()

    def rollback(self) -> None:
        self.info.pop(PENDING, None)
        self.conn.rollback()


def is_optimistic(session) -> bool:
    """Whether `session` is an optimistic :class:`CoreSession` (reads lock nothing)."""
    return isinstance(session, CoreSession) and session.optimistic


def orm_session(session) -> Session | None:
    """The ORM Session behind `session` (a scoped one resolved), or None for a :class:`CoreSession`."""
    if isinstance(session, CoreSession):
        return None
    return session() if isinstance(session, scoped_session) else session


def nested(session) -> bool:
    """Whether a SAVEPOINT is open (a deferred entry belongs to the outermost transaction only)."""
    if isinstance(session, CoreSession):
        return session.conn.in_nested_transaction()
    return orm_session(session).get_nested_transaction() is not None


def expire_loaded(session, accounts) -> None:
    """An ORM session that holds the moved accounts or the chain head must read them again."""
    real = orm_session(session)
    if real is None or not real.identity_map:
        return
    for key in [(Account, acc) for acc in accounts] + [(LedgerHead, 1)]:
        loaded = real.identity_map.get(real.identity_key(key[0], key[1]))
        if loaded is not None:
            real.expire(loaded)


def flush_pending(session, record: dict | None = None):
    """Write the deferred entry (its ``write(conn, record)``) and `record`, an idempotency record's columns (with
    ``id_path``, where its answer names the entry); returns the entry's row as written, or None."""
    pending = session.info.pop(PENDING, None)
    if pending is None and record is None:
        return None
    conn = session.connection()
    if pending is None:
        statement("record", record_insert).execute(conn, record_params(record))
        return None
    pending.write(conn, record)
    return pending.row


@event.listens_for(Session, "before_commit")
def _flush_before_commit(session: Session) -> None:
    """A deferred entry is never lost: the commit writes it if nobody did."""
    if PENDING in session.info:
        flush_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction) -> None:
    """A deferred entry belongs to the outermost transaction: it was written by the commit, or is void."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
