"""The tap's way of booking an entry: :func:`post_fast`, by account ids and Core statements only.

It books what :func:`canteen.services.ledger.post_entry` books (conditional updates that can never
overdraw a person's account, the next link of the hash chain, the postings), in as few statements
and with the shared locks held as briefly as it can. Lock order is the ledger's: the person's
accounts, then system accounts by id, then the chain head.

Every entry takes the lock of the chain head and of a system account (``meal_revenue`` for every
meal) until its transaction commits, so these two rows serialise the canteen's writes: the time
they are held is the lunch rush's limit. On PostgreSQL they are therefore taken by the last
statement before the commit, which also numbers the entry, hashes it into the chain (the database
computes the SHA-256 from the text prepared here, see
:func:`canteen.ledger_hash.entry_text_around_id`) and writes the entry, its postings and the
request's idempotency record (:func:`flush_pending`). Until then, a deferred entry's id is
:data:`PENDING_ID`; that statement writes the real id into the stored answer, and
:func:`fill_pending_id` into the live one. SQLite serialises writers anyway and runs the steps as
separate statements, numbering and hashing the entry at once.

The terminals' fast lane on PostgreSQL goes further (an optimistic :class:`CoreSession`, in autocommit):
the tap reads its wallets without locking them, and that same last statement also makes the person's
debits, each only if the wallet's balance is still the one read (the first under the tap's guard); if one
changes nothing, ``canteen_require`` fails the statement and none of it is kept. The tap is then two
round trips (read, write) with no BEGIN or COMMIT, and no row stays locked while the worker computes.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, event, insert, select, true, update
from sqlalchemy.orm import Session, scoped_session

from canteen.errors import DomainError
from canteen.ledger_hash import HASHED_FIELDS, chained, entry_text_around_id
from canteen.models import Account, IdempotencyRecord, JournalEntry, LedgerHead
from canteen.services.direct import statement
from canteen.services.ledger_statements import (
    PENDING_ID,
    entry_params,
    entry_values,
    link_statement,
    postings_insert,
    record_params,
    record_values,
)

_ACCOUNT = Account.__table__
_HEAD = LedgerHead.__table__
_ENTRY = JournalEntry.__table__
_RECORD = IdempotencyRecord.__table__

#: session.info keys: an entry whose rows wait for :func:`flush_pending`, and the flag asking for that.
PENDING = "canteen_pending_entry"
DEFER = "canteen_defer_entry"



def merge_legs(legs) -> dict[int, int]:
    """(account id, signed fen) legs as one amount per account, zero amounts left out."""
    merged: dict[int, int] = {}
    for account_id, fen in legs:
        if not isinstance(fen, int) or isinstance(fen, bool):
            raise TypeError("posting amounts are integer fen")
        merged[account_id] = merged.get(account_id, 0) + fen
    return {acc: fen for acc, fen in merged.items() if fen}


class EntryRow(SimpleNamespace):
    """A posted entry's columns as written (what :func:`post_fast` books), without an ORM object."""


@dataclass
class FastBooked:
    """What :func:`post_fast` booked: the entry's columns and the new balances of the accounts it moved."""

    entry: EntryRow
    balances: dict[int, int]


@dataclass
class _Pending:
    """An entry booked but not yet written: its columns, all its legs, and its system legs."""

    fields: dict
    legs: list[tuple[int, int]]
    system: list[tuple[int, int]]
    row: EntryRow
    #: The optimistic form's person legs, (account id, fen, balance read), and their guard.
    debits: list[tuple[int, int, int]] = field(default_factory=list)
    guard: "Guard | None" = None


class Guard:
    """A condition the transaction's first write must still find true, checked by the database in that
    write (e.g. the card is still active after the holder's lock was granted): `clause` with its
    bind parameters; `diagnose(session)` raises the refusal that explains a failed guard."""

    def __init__(self, clause, params: dict, diagnose):
        self.clause, self.params, self.diagnose = clause, params, diagnose


class CoreSession:
    """The few things the tap's services use of a Session, on a plain Core connection.

    SQLAlchemy's ORM Session costs a tap more CPU in its own bookkeeping (connection, commit, close)
    than the database spends on the tap; the terminals' fast lane (:mod:`canteen.api.lane`) books a
    tap on one pooled connection through this instead. It has no identity map: what needs ORM
    objects (``MealCharge.person`` ...) is not for it.

    An `optimistic` session (PostgreSQL, `conn` in autocommit) reads without locking, every statement
    its own transaction, and writes its one entry in one statement that fails unless what was read
    still holds (:func:`post_fast`'s `expected`); it books nothing any other way.
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
    """Whether `session` is an optimistic :class:`CoreSession` (reads lock nothing; see :func:`post_fast`)."""
    return isinstance(session, CoreSession) and session.optimistic


def post_fast(
    session: Session,
    *,
    kind: str,
    amount: int,
    person_legs: list[tuple[int, int]],
    system_legs: list[tuple[int, int]],
    guard: Guard | None = None,
    created_dt: datetime,
    business_date: date,
    idempotency_key: str,
    conn=None,
    expected: dict[int, int] | None = None,
    **refs,
) -> FastBooked:
    """Book one entry by account ids, as :func:`canteen.services.ledger.post_entry` does.

    The caller has row-locked the people's accounts in `person_legs` (ledger order: their lock
    comes first). `guard`, if given, is checked by the database in the first person leg's update.
    The entry's rows are written at once, or, when the session asks for it (:data:`DEFER`, set by
    the exactly-once wrapper), by :func:`flush_pending` together with the request's idempotency
    record, right before the commit; the session's commit writes them in any case. `conn` is the
    session's connection, if the caller has it at hand.

    `expected` is the balance the caller read of each account in `person_legs`. An optimistic session
    (:class:`CoreSession`) has not locked them: its deferred write then moves them only if their balances
    are still those and the guard still holds, or fails as a whole (and nothing is kept).
    """
    flush_pending(session)
    people = merge_legs(person_legs)
    system = merge_legs(system_legs)
    if not people or sum(people.values()) + sum(system.values()) != 0 or set(people) & set(system):
        raise ValueError(f"postings of a {kind} entry must be non-empty and sum to zero: {people} {system}")
    conn = conn if conn is not None else session.connection()
    optimistic = is_optimistic(session)
    if optimistic:
        if expected is None or not session.info.get(DEFER) or _nested(session):
            raise RuntimeError("an optimistic session books only deferred entries of accounts read before")
        balances = {acc: expected[acc] + fen for acc, fen in people.items()}
        if min(balances.values()) < 0:
            _refuse(session, guard)
    else:
        balances = _debit(session, conn, people, guard)
    legs = {**people, **system}
    fields = dict(refs, kind=kind, amount=amount, created_dt=created_dt, business_date=business_date,
                  idempotency_key=idempotency_key)
    pending = _Pending(fields, sorted(legs.items()), sorted(system.items()), EntryRow())
    if optimistic:
        pending.debits = [(acc, people[acc], expected[acc]) for acc in sorted(people)]
        pending.guard = guard
    if conn.dialect.name != "postgresql":
        _link_now(conn, pending)
    if session.info.get(DEFER) and not _nested(session):
        session.info[PENDING] = pending
        pending.row.__dict__.update(_row_columns(pending.fields, id=pending.fields.get("id", PENDING_ID)))
    else:
        _write(conn, pending)
    _expire_loaded(session, legs)
    return FastBooked(pending.row, balances)


def flush_pending(session: Session, record: dict | None = None) -> EntryRow | None:
    """Write the deferred entry and `record` (an idempotency record's columns); returns the entry written.

    On PostgreSQL that is one statement, which also takes the system accounts' and the chain head's
    locks; the caller commits right after, so they are held for this one statement and the commit.
    (Sending the COMMIT in the same round trip through psycopg's pipeline mode was measured: it costs
    more CPU in the worker than it saves.) A :data:`PENDING_ID` in the record's answer becomes the id.
    """
    pending = session.info.pop(PENDING, None)
    if pending is None and record is None:
        return None
    conn = session.connection()
    if pending is None:
        statement("record", lambda: insert(_RECORD).values(record_values())).execute(conn, record_params(record))
        return None
    _write(conn, pending, record=record)
    return pending.row


def fill_pending_id(value, entry_id: int):
    """`value` (an answer: dicts, lists, scalars) with :data:`PENDING_ID` replaced by `entry_id`."""
    if type(value) is dict:
        return {k: fill_pending_id(v, entry_id) for k, v in value.items()}
    if type(value) is list:
        return [fill_pending_id(v, entry_id) for v in value]
    return entry_id if type(value) is int and value == PENDING_ID else value


# --------------------------------------------------------------------------------------------- the debits
def _debit(session, conn, people: dict[int, int], guard: Guard | None) -> dict[int, int]:
    """The person legs, each a conditional update that cannot overdraw; the guard rides on the first."""
    guard_clause = guard.clause if guard is not None else None
    guard_params = guard.params if guard is not None else {}
    order = sorted(people)
    balances: dict[int, int] = {}
    if conn.dialect.name == "postgresql" and len(order) <= 2:
        stmt = statement(("debits", len(order), id(guard_clause)), lambda: _debits_statement(len(order), guard_clause))
        params = dict(guard_params)
        for i, acc in enumerate(order):
            params[f"acc{i}"], params[f"fen{i}"] = acc, people[acc]
        row = stmt.first(conn, params)
        if row is None:
            _refuse(session, guard)
        for i in range(len(order)):
            balances[row[2 * i]] = row[2 * i + 1]
        return balances
    for i, acc in enumerate(order):
        clause = guard_clause if i == 0 else None
        stmt = statement(("debit", id(clause)), lambda: _debit_statement(clause))
        new = stmt.first(conn, dict(guard_params if i == 0 else {}, acc=acc, fen=people[acc]))
        if new is None:
            _refuse(session, guard if i == 0 else None)
        balances[acc] = new[0]
    return balances


def _debit_update(i: int, guard_clause, suffix: str = ""):
    new = _ACCOUNT.c.balance + bindparam(f"fen{suffix}")
    conditions = [_ACCOUNT.c.id == bindparam(f"acc{suffix}"), new >= 0]
    if guard_clause is not None and i == 0:
        conditions.append(guard_clause)
    return update(_ACCOUNT).where(*conditions).values(balance=new)


def _debit_statement(guard_clause):
    """UPDATE of one of a person's accounts that can never overdraw it, under the guard."""
    return _debit_update(0, guard_clause).returning(_ACCOUNT.c.balance)


def _debits_statement(person_legs: int, guard_clause):
    """PostgreSQL, one statement: the person's legs (the first under the guard); returns one row (each
    leg's account id and new balance), or none when a leg changed nothing (the caller then refuses, and
    its rollback undoes a leg that did change)."""
    debits = [_debit_update(i, guard_clause, str(i)).returning(_ACCOUNT.c.id, _ACCOUNT.c.balance).cte(f"d{i}")
              for i in range(person_legs)]
    columns, source = [], None
    for d in debits:
        columns += [d.c.id, d.c.balance]
        source = d if source is None else source.join(d, true())
    return select(*columns).select_from(source)


def _refuse(session: Session, guard: Guard | None):
    """A person's leg changed no row: the guard failed (its refusal), or the balance would go below zero."""
    if guard is not None:
        guard.diagnose(session)
    raise DomainError("insufficient_balance")


# --------------------------------------------------------------------------------------------- the link
def _row_columns(fields: dict, **override) -> dict:
    return {name: override.get(name, fields.get(name)) for name in (*HASHED_FIELDS, "prev_hash", "hash")}


def _link_now(conn, pending: _Pending) -> None:
    """SQLite: the system legs and the chain head's link now (its writer lock is held anyway)."""
    plain = statement("system", lambda: update(_ACCOUNT).where(_ACCOUNT.c.id == bindparam("acc"))
                      .values(balance=_ACCOUNT.c.balance + bindparam("fen")).returning(_ACCOUNT.c.balance))
    for acc, fen in pending.system:
        if plain.first(conn, {"acc": acc, "fen": fen}) is None:
            raise LookupError(f"account {acc} is missing")
    head = statement("head", lambda: select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1))
    head_id, head_hash = head.first(conn)
    pending.fields = chained(head_id, head_hash, pending.fields, dict(pending.legs))
    pending.row.__dict__.update(_row_columns(pending.fields))


def _write(conn, pending: _Pending, record: dict | None = None) -> None:
    fields, legs = pending.fields, pending.legs
    params = entry_params(fields)
    for i, (acc, fen) in enumerate(legs):
        params[f"l{i}_acc"], params[f"l{i}_fen"] = acc, fen
    if record is not None:
        params.update(record_params(record))
    if conn.dialect.name == "postgresql":
        for i, (acc, fen) in enumerate(pending.system):
            params[f"s{i}_acc"], params[f"s{i}_fen"] = acc, fen
        params["t_before"], params["t_after"] = entry_text_around_id(fields, legs)
        if record is not None:
            params["mark"] = str(PENDING_ID)
        guard_clause = None
        if pending.debits:
            for i, (acc, fen, was) in enumerate(pending.debits):
                params[f"d{i}_acc"], params[f"d{i}_fen"], params[f"d{i}_was"] = acc, fen, was
            if pending.guard is not None:
                guard_clause = pending.guard.clause
                params.update(pending.guard.params)
        shape = (len(pending.system), len(legs), record is not None, len(pending.debits))
        row = statement(("link", *shape, id(guard_clause)),
                        lambda: link_statement(*shape, guard_clause)).first(conn, params)
        if row is None:
            raise LookupError(f"a system account of {sorted(pending.system)} is missing")
        fields.update(id=row[0], prev_hash=row[1], hash=row[2])
        pending.row.__dict__.update(_row_columns(fields))
        return
    statement("entry", lambda: insert(_ENTRY).values(entry_values())).execute(conn, params)
    statement(("postings", len(legs)), lambda: postings_insert(len(legs))).execute(conn, params)
    statement("head_update", lambda: update(_HEAD).where(_HEAD.c.id == 1).values(
        last_id=bindparam("e_id", type_=_HEAD.c.last_id.type),
        last_hash=bindparam("e_hash", type_=_HEAD.c.last_hash.type),
        prev_hash=bindparam("e_prev_hash", type_=_HEAD.c.prev_hash.type))).execute(conn, params)
    if record is not None:
        statement("record", lambda: insert(_RECORD).values(record_values())).execute(conn, record_params(record))


# --------------------------------------------------------------------------------------------- the session
def _expire_loaded(session, legs) -> None:
    """An ORM session that holds the moved accounts or the chain head must read them again."""
    if isinstance(session, CoreSession):
        return
    real = session() if isinstance(session, scoped_session) else session
    identity = real.identity_map
    if not identity:
        return
    for key in [(Account, acc) for acc in legs] + [(LedgerHead, 1)]:
        loaded = identity.get(real.identity_key(key[0], key[1]))
        if loaded is not None:
            real.expire(loaded)


def _nested(session) -> bool:
    """Whether a SAVEPOINT is open (the deferred rows belong to the outermost transaction only)."""
    if isinstance(session, CoreSession):
        return session.conn.in_nested_transaction()
    real = session() if isinstance(session, scoped_session) else session
    return real.get_nested_transaction() is not None


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
