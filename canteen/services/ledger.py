"""Posting journal entries: the one place balances change.

Every money movement goes through :func:`post_entry` (services working with ORM objects) or
:func:`post_fast` (the tap's path, Core statements only). Both apply each posting as a
conditional UPDATE (a person's account can never be overdrawn), append the entry to the hash
chain under the chain head's row lock, and write the postings, all inside the caller's
transaction. Lock order is always: the person's accounts, then system accounts by id, then
the chain head, so concurrent entries cannot deadlock.

The chain head's lock serialises every entry until its transaction commits, so the fast path
keeps that section short: on PostgreSQL the system account's update and the head's lock are one
statement (the update runs first, so the lock order holds), and everything written after the
lock (head, entry, postings, and the request's idempotency record, see :func:`flush_pending`)
is one more statement; then the commit. SQLite serialises writers anyway and runs the same
steps as separate statements.
"""
import weakref
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, cast, event, func, insert, literal, literal_column, select, true, union_all, update
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from canteen.errors import DomainError
from canteen.ledger_hash import HASHED_FIELDS, entry_hash
from canteen.models import Account, IdempotencyRecord, JournalEntry, LedgerHead, Posting
from canteen.models.ledger import PERSON_KINDS

_ACCOUNT = Account.__table__
_HEAD = LedgerHead.__table__
_ENTRY = JournalEntry.__table__
_POSTING = Posting.__table__
_RECORD = IdempotencyRecord.__table__

#: session.info keys: an entry whose rows wait for :func:`flush_pending`, and the flag asking for that.
PENDING = "canteen_pending_entry"
DEFER = "canteen_defer_entry"


@dataclass
class Booked:
    """A posted entry and the balances its postings left behind."""

    entry: JournalEntry
    balances: dict[int, int]


class EntryRow(SimpleNamespace):
    """A posted entry's columns as written (what :func:`post_fast` books), without an ORM object."""


@dataclass
class FastBooked:
    """What :func:`post_fast` booked: the entry's columns and the new balances of the accounts it moved."""

    entry: EntryRow
    balances: dict[int, int]


def person_accounts(session: Session, person_id: int, *, lock: bool = True) -> dict[str, Account]:
    """The person's cash, subsidy and deposit accounts, row-locked for the transaction.

    Locking them first serialises everything one person does (limits, refunds), while
    different people proceed in parallel.
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


def _merge(legs) -> dict[int, int]:
    merged: dict[int, int] = {}
    for account_id, fen in legs:
        if not isinstance(fen, int) or isinstance(fen, bool):
            raise TypeError("posting amounts are integer fen")
        merged[account_id] = merged.get(account_id, 0) + fen
    return {acc: fen for acc, fen in merged.items() if fen}


def _chained(head_id: int, head_hash: str, refs: dict, legs: dict[int, int]) -> dict:
    """The entry's columns as the next link of the chain (id, prev_hash, hash included)."""
    fields = dict(refs, id=head_id + 1)
    fields["hash"] = entry_hash(head_hash, fields, list(legs.items()))
    fields["prev_hash"] = head_hash
    return fields


def post_entry(
    session: Session,
    *,
    kind: str,
    amount: int,
    postings: list[tuple[Account, int]],
    created_dt: datetime,
    business_date: date,
    idempotency_key: str,
    **refs,
) -> Booked:
    """Book one entry; raise ``insufficient_balance`` if a person's account would go below zero.

    `postings` are (account, signed fen) pairs that must sum to zero; several legs on one
    account are merged. `refs` are the entry's other columns (person_id, terminal_id ...).
    """
    flush_pending(session)
    kinds = {account.id: account.kind for account, _ in postings}
    legs = _merge((account.id, fen) for account, fen in postings)
    if sum(legs.values()) != 0 or not legs:
        raise ValueError(f"postings of a {kind} entry must be non-empty and sum to zero: {legs}")
    person_first = sorted(legs, key=lambda acc: (kinds[acc] not in PERSON_KINDS, acc))
    balances = {acc: _apply(session, acc, legs[acc], kinds[acc] in PERSON_KINDS) for acc in person_first}

    head = session.execute(
        select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
        .execution_options(populate_existing=True)  # the fast path moves the head without the ORM
    ).scalar_one()
    fields = _chained(head.last_id, head.last_hash, dict(
        refs, kind=kind, amount=amount, created_dt=created_dt, business_date=business_date,
        idempotency_key=idempotency_key), legs)
    entry = JournalEntry(**fields)
    session.add(entry)
    session.flush()
    session.execute(insert(Posting), [
        {"entry_id": entry.id, "account_id": acc, "amount": fen} for acc, fen in sorted(legs.items())
    ])
    head.last_id, head.last_hash = entry.id, fields["hash"]
    session.flush()
    for account, _ in postings:
        if account.id in balances:
            session.expire(account, ["balance"])
    return Booked(entry, balances)


def _apply(session: Session, account_id: int, fen: int, guarded: bool) -> int:
    """Add `fen` to one account's balance; a debit on a person's account must not overdraw it."""
    stmt = update(Account).where(Account.id == account_id)
    if guarded and fen < 0:
        stmt = stmt.where(Account.balance >= -fen)
    row = session.execute(
        stmt.values(balance=Account.balance + fen).returning(Account.balance),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        raise DomainError("insufficient_balance")
    return row[0]


# --------------------------------------------------------------------------------------------- fast path

def _inline_constants(stmt):
    """The statement with the constants of its expressions written into its text (``LIMIT 1``, ``state =
    'active'``), leaving only the real parameters bound.

    PostgreSQL then plans a prepared statement once (a generic plan): with constants bound as parameters
    (``LIMIT $4``) it judges the generic plan costlier and plans every execution again, which for the
    tap's card query costs more than running it.
    """
    def constant(element):
        if (isinstance(element, BindParameter) and element.value is not None and element.callable is None
                and not element.expanding and isinstance(element.value, (int, str)) and not isinstance(element.value, bool)):
            value = element.value
            text = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
            return literal_column(text, element.type)
        return None

    return visitors.replacement_traverse(stmt, {}, constant)


class Direct:
    """A Core statement compiled once per dialect and run straight on the DB-API cursor.

    On the tap's path SQLAlchemy's execution machinery (execution context, result wrapping) costs
    more CPU than the database spends on the statement; this keeps the statement in Core (one
    text for SQLite and PostgreSQL, typed binds) and pays only for the driver. The dialect's bind
    processors are applied (SQLite stores times as text); rows come back as the driver gives them,
    so only read integers and text this way. A driver error goes through the connection's own
    handling (IntegrityError ..., a dropped connection invalidated) as if SQLAlchemy had run it.
    """

    def __init__(self, stmt):
        self.stmt = stmt
        self._forms: dict = {}

    def _form(self, dialect):
        form = self._forms.get(dialect.name)
        if form is None:
            compiled = _inline_constants(self.stmt).compile(dialect=dialect)
            sql = compiled.string
            if "POSTCOMPILE" in sql:
                raise ValueError("Direct statements cannot have expanding or literal-execute parameters")
            bound = compiled.construct_params(_check=False)
            defaults = {name: value for name, value in bound.items() if value is not None}
            required = frozenset(bound) - frozenset(defaults)
            processors = dict(compiled._bind_processors)
            order = list(compiled.positiontup) if compiled.positional else None
            form = self._forms[dialect.name] = (sql, defaults, required, processors, order)
        return form

    def _args(self, conn, params):
        sql, defaults, required, processors, order = self._form(conn.dialect)
        values = dict(defaults, **params) if params else dict(defaults)
        if not required.issubset(values):
            raise KeyError(f"parameters missing: {sorted(required - set(values))}")
        for name, process in processors.items():
            if name in values:
                values[name] = process(values[name])
        return sql, (values if order is None else [values[name] for name in order])

    def execute(self, conn, params: dict | None = None):
        """Run on SQLAlchemy connection `conn` in its transaction (begun here if need be, as SQLAlchemy
        would: SQLite's BEGIN IMMEDIATE is sent then); returns the DB-API cursor."""
        if not conn.in_transaction():
            conn.begin()
        sql, args = self._args(conn, params)
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            conn._handle_dbapi_exception(exc, sql, args, cursor, None)
        return cursor

    def first(self, conn, params: dict | None = None):
        """The first row, or None."""
        return self.execute(conn, params).fetchone()

    def all(self, conn, params: dict | None = None) -> list:
        """Every row."""
        return self.execute(conn, params).fetchall()


class CoreSession:
    """The few things the tap's services use of a Session, on a plain Core connection.

    SQLAlchemy's ORM Session costs a tap more CPU in its own bookkeeping (connection, commit, close)
    than the database spends on the tap; the terminals' fast lane (:mod:`canteen.api.lane`) books a
    tap on one pooled connection through this instead. It has no identity map: what needs ORM
    objects (``MealCharge.person`` ...) is not for it.
    """

    def __init__(self, conn):
        self.conn = conn
        self.info: dict = {}

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


class Guard:
    """A condition the transaction's first write must still find true, checked by the database in that
    write (e.g. the card is still active after the holder's lock was granted): `clause` with its
    bind parameters; `diagnose(session)` raises the refusal that explains a failed guard."""

    def __init__(self, clause, params: dict, diagnose):
        self.clause, self.params, self.diagnose = clause, params, diagnose


_STATEMENTS: dict = {}


def _statement(key, build) -> Direct:
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = Direct(build())
    return stmt


def _debit_statement(guard_clause, returning_id: bool = False):
    """UPDATE of one of a person's accounts that can never overdraw it, under the guard."""
    new = _ACCOUNT.c.balance + bindparam("fen")
    conditions = [_ACCOUNT.c.id == bindparam("acc"), new >= 0]
    if guard_clause is not None:
        conditions.append(guard_clause)
    stmt = update(_ACCOUNT).where(*conditions).values(balance=new)
    return stmt.returning(_ACCOUNT.c.id, _ACCOUNT.c.balance) if returning_id else stmt.returning(_ACCOUNT.c.balance)


def _fused_statement(person_legs: int, guard_clause):
    """PostgreSQL, one statement: the person's legs (guarded), then the one system leg, then the head's lock.

    Each step runs only when the previous one changed every row it had to (the next step's condition
    counts its rows), so the locks are taken in the ledger's order and a failed guard takes none of
    the shared ones. Returns one row (head id, head hash, then each person leg's account id and new
    balance) or none when a person's leg failed.
    """
    debits = []
    for i in range(person_legs):
        new = _ACCOUNT.c.balance + bindparam(f"fen{i}")
        conditions = [_ACCOUNT.c.id == bindparam(f"acc{i}"), new >= 0]
        if guard_clause is not None and i == 0:
            conditions.append(guard_clause)
        debits.append(update(_ACCOUNT).where(*conditions).values(balance=new)
                      .returning(_ACCOUNT.c.id, _ACCOUNT.c.balance).cte(f"d{i}"))
    done = sum((select(func.count()).select_from(d).scalar_subquery() for d in debits), literal(0))
    system = (update(_ACCOUNT).where(_ACCOUNT.c.id == bindparam("sys_acc"), done == person_legs)
              .values(balance=_ACCOUNT.c.balance + bindparam("sys_fen")).returning(_ACCOUNT.c.id).cte("s"))
    columns = [_HEAD.c.last_id, _HEAD.c.last_hash]
    source = _HEAD
    for d in debits:
        columns += [d.c.id, d.c.balance]
        source = source.join(d, true())
    return (select(*columns).select_from(source)
            .where(_HEAD.c.id == select(func.count()).select_from(system).scalar_subquery())
            .with_for_update(of=_HEAD))


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
    **refs,
) -> FastBooked:
    """Book one entry by account ids, as :func:`post_entry` does, in as few statements as it takes.

    The caller has row-locked the people's accounts in `person_legs` (ledger order: their lock
    comes first). `guard`, if given, is checked by the database in the first person leg's update.
    The entry's rows are written at once, or, when the session asks for it (:data:`DEFER`, set by
    the exactly-once wrapper), by :func:`flush_pending` together with the request's idempotency
    record, right before the commit; the session's commit writes them in any case. `conn` is the
    session's connection, if the caller has it at hand.
    """
    flush_pending(session)
    people = _merge(person_legs)
    system = _merge(system_legs)
    if not people or sum(people.values()) + sum(system.values()) != 0 or set(people) & set(system):
        raise ValueError(f"postings of a {kind} entry must be non-empty and sum to zero: {people} {system}")
    conn = conn if conn is not None else session.connection()
    guard_clause = guard.clause if guard is not None else None
    guard_params = guard.params if guard is not None else {}
    balances: dict[int, int] = {}
    person_order = sorted(people)
    if conn.dialect.name == "postgresql" and len(system) == 1 and len(person_order) <= 2:
        stmt = _statement(("fused", len(person_order), id(guard_clause)),
                          lambda: _fused_statement(len(person_order), guard_clause))
        (sys_acc, sys_fen), = system.items()
        params = dict(guard_params, sys_acc=sys_acc, sys_fen=sys_fen)
        for i, acc in enumerate(person_order):
            params[f"acc{i}"], params[f"fen{i}"] = acc, people[acc]
        row = stmt.first(conn, params)
        if row is None:
            _refuse(session, guard)
        head_id, head_hash = row[0], row[1]
        for i in range(len(person_order)):
            balances[row[2 + 2 * i]] = row[3 + 2 * i]
    else:
        for i, acc in enumerate(person_order):
            clause = guard_clause if i == 0 else None
            stmt = _statement(("debit", id(clause)), lambda: _debit_statement(clause))
            new = stmt.first(conn, dict(guard_params if i == 0 else {}, acc=acc, fen=people[acc]))
            if new is None:
                _refuse(session, guard if i == 0 else None)
            balances[acc] = new[0]
        plain = _statement("system", lambda: update(_ACCOUNT).where(_ACCOUNT.c.id == bindparam("acc"))
                           .values(balance=_ACCOUNT.c.balance + bindparam("fen")).returning(_ACCOUNT.c.balance))
        for acc in sorted(system):
            if plain.first(conn, {"acc": acc, "fen": system[acc]}) is None:
                raise LookupError(f"account {acc} is missing")
        head = _statement("head", lambda: select(_HEAD.c.last_id, _HEAD.c.last_hash)
                          .where(_HEAD.c.id == 1).with_for_update())
        head_id, head_hash = head.first(conn)
    legs = {**people, **system}
    fields = _chained(head_id, head_hash, dict(
        refs, kind=kind, amount=amount, created_dt=created_dt, business_date=business_date,
        idempotency_key=idempotency_key), legs)
    pending = (fields, sorted(legs.items()))
    if session.info.get(DEFER) and not _nested(session):
        session.info[PENDING] = pending
    else:
        _write(conn, *pending)
    _expire_loaded(session, legs)
    return FastBooked(EntryRow(**{name: fields.get(name) for name in (*HASHED_FIELDS, "prev_hash", "hash")}),
                      balances)


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


def _refuse(session: Session, guard: Guard | None):
    """A person's leg changed no row: the guard failed (its refusal), or the balance would go below zero."""
    if guard is not None:
        guard.diagnose(session)
    raise DomainError("insufficient_balance")


def flush_pending(session: Session, record: dict | None = None) -> None:
    """Write the deferred entry (head, entry, postings) and `record` (an idempotency record's columns).

    On PostgreSQL that is one statement; the caller commits right after, so the chain head's lock
    is held for this one round trip and the commit. (Sending the COMMIT in the same round trip
    through psycopg's pipeline mode was measured: it costs more CPU in the worker than it saves.)
    """
    pending = session.info.pop(PENDING, None)
    if pending is None and record is None:
        return
    conn = session.connection()
    if pending is None:
        _statement("record", lambda: insert(_RECORD).values(_record_values())).execute(conn, _record_params(record))
        return
    _write(conn, *pending, record=record)


_ENTRY_COLUMNS = [c.name for c in _ENTRY.columns]


def _entry_params(fields: dict) -> dict:
    return {f"e_{name}": fields.get(name) for name in _ENTRY_COLUMNS}


def _entry_values():
    return {name: bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in _ENTRY_COLUMNS}


def _postings_insert(n: int):
    """INSERT of an entry's `n` postings (a UNION of one-row SELECTs: unlike multi-row VALUES, SQLAlchemy caches it)."""
    rows = [select(cast(bindparam("e_id"), _POSTING.c.entry_id.type),
                   cast(bindparam(f"l{i}_acc"), _POSTING.c.account_id.type),
                   cast(bindparam(f"l{i}_fen"), _POSTING.c.amount.type)) for i in range(n)]
    source = rows[0] if n == 1 else union_all(*rows)
    return insert(_POSTING).from_select(["entry_id", "account_id", "amount"], source)


def _record_values():
    return {c.name: bindparam(f"r_{c.name}", type_=c.type) for c in _RECORD.columns}


def _record_params(record: dict) -> dict:
    return {f"r_{name}": value for name, value in record.items()}


def _combined_statement(legs: int, with_record: bool):
    """PostgreSQL: head, entry, postings (and the idempotency record) in one statement."""
    head = (update(_HEAD).where(_HEAD.c.id == 1)
            .values(last_id=bindparam("e_id", type_=_HEAD.c.last_id.type),
                    last_hash=bindparam("e_hash", type_=_HEAD.c.last_hash.type)).cte("h"))
    entry = insert(_ENTRY).values(_entry_values()).cte("e")
    postings = _postings_insert(legs)
    if not with_record:
        return postings.add_cte(head, entry)
    return insert(_RECORD).values(_record_values()).add_cte(head, entry, postings.cte("p"))


def _write(conn, fields: dict, legs: list[tuple[int, int]], record: dict | None = None) -> None:
    params = _entry_params(fields)
    for i, (acc, fen) in enumerate(legs):
        params[f"l{i}_acc"], params[f"l{i}_fen"] = acc, fen
    if conn.dialect.name == "postgresql":
        if record is not None:
            params.update(_record_params(record))
        _statement(("combined", len(legs), record is not None),
                   lambda: _combined_statement(len(legs), record is not None)).execute(conn, params)
        return
    _statement("entry", lambda: insert(_ENTRY).values(_entry_values())).execute(conn, params)
    _statement(("postings", len(legs)), lambda: _postings_insert(len(legs))).execute(conn, params)
    _statement("head_update", lambda: update(_HEAD).where(_HEAD.c.id == 1).values(
        last_id=bindparam("e_id", type_=_HEAD.c.last_id.type),
        last_hash=bindparam("e_hash", type_=_HEAD.c.last_hash.type))).execute(conn, params)
    if record is not None:
        _statement("record", lambda: insert(_RECORD).values(_record_values())).execute(conn, _record_params(record))


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
