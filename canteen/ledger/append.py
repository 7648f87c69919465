"""Appending to the journal: the one writer every path uses (one entry at a time, or many at once).

:func:`append` writes an :class:`~canteen.ledger.entry.Entry` in the caller's transaction, in the form the session
asks for; every form applies the same statements (:mod:`canteen.ledger.statements`) and the same hash
(:mod:`canteen.ledger.chain`), in the ledger's lock order (the people's accounts, then system accounts by id,
then the chain head), so concurrent entries cannot deadlock:

- locking (an ORM Session or a :class:`~canteen.ledger.session.CoreSession` in a transaction): the person's legs
  at once, each a conditional update that cannot overdraw (the caller may have row-locked them already), then the
  system legs, the chain head, the entry and its postings: at once, or right before the commit when the session
  defers (:data:`~canteen.ledger.session.DEFER`), in one statement with the request's idempotency record;
- optimistic (an optimistic CoreSession on PostgreSQL, in autocommit): everything in that last statement, which
  moves each wallet the entry read only if it still holds the balance read, or fails as a whole;
- many at once (:func:`append_many`, the offline replay): each account moved once by its net amount, the
  entries chained in order, and written in multi-row statements.

On PostgreSQL the database numbers and hashes entries (``canteen_entry_hash``); on SQLite, whose writer lock is
held anyway, Python does (:func:`canteen.ledger.chain.link_hash`, the same definition).
"""
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import func, insert, select, update

from canteen.direct import statement
from canteen.errors import DomainError
from canteen.ledger.chain import HASHED_FIELDS, SQL_CHAIN_HASHES, chain_hashes, entry_hash, text_around_id
from canteen.ledger.entry import Entry
from canteen.ledger.session import DEFER, PENDING, expire_loaded, flush_pending, is_optimistic, nested, orm_session
from canteen.ledger.statements import (
    entry_insert,
    entry_params,
    head_update,
    leg_update,
    link_statement,
    person_legs_statement,
    postings_insert,
    record_insert,
    record_params,
)
from canteen.models import Account, JournalEntry, LedgerHead, Posting

_ACCOUNT = Account.__table__
_HEAD = LedgerHead.__table__
#: Where an answer that booked an entry names it: ``answer["entry"]["id"]`` (see ``canteen.api.serialize``).
ANSWER_ENTRY_ID = ("entry", "id")


class EntryRow(SimpleNamespace):
    """An appended entry's columns as written (id, prev_hash and hash once the chain has given them)."""


@dataclass
class Appended:
    """What :func:`append` booked: the entry's row, and the balance now of each person's account it moved or read."""

    row: EntryRow
    balances: dict[int, int]


class Guard:
    """A condition the entry's first person leg must still find true, checked by the database in that leg's update
    (e.g. the card is still active after the holder's lock was granted): `clause` with its bind parameters;
    `diagnose(session)` raises the refusal that explains a failed guard."""

    def __init__(self, clause, params: dict, diagnose):
        self.clause, self.params, self.diagnose = clause, params, diagnose


class _Pending:
    """An entry on its way: its columns (with id and hashes once linked) and how to write it."""

    def __init__(self, entry: Entry, guard: Guard | None, optimistic: bool):
        self.entry, self.guard, self.optimistic = entry, guard, optimistic
        self.fields = entry.columns()
        self.row = EntryRow(**_row(self.fields))

    def write(self, conn, record: dict | None = None) -> None:
        """Write the entry (and `record`); on PostgreSQL this numbers, hashes and links it too."""
        entry, fields = self.entry, self.fields
        params = entry_params(fields)
        for i, (acc, fen) in enumerate(entry.pairs()):
            params[f"l{i}_acc"], params[f"l{i}_fen"] = acc, fen
        if record is not None:
            params.update(record_params(record))
        if conn.dialect.name != "postgresql":
            statement("entry", entry_insert).execute(conn, params)
            statement(("postings", len(entry.legs)), lambda: postings_insert(len(entry.legs))).execute(conn, params)
            statement("head_update", head_update).execute(conn, params)
            if record is not None:
                statement("record", record_insert).execute(conn, params)
            return
        system = entry.unguarded
        for i, leg in enumerate(system):
            params[f"s{i}_acc"], params[f"s{i}_fen"] = leg.account, leg.fen
        params["t_before"], params["t_after"] = text_around_id(fields, entry.pairs())
        if record is not None:
            params["r_id_path"] = list(record.get("id_path") or ANSWER_ENTRY_ID)
        exact, clause = [], None
        if self.optimistic:
            moved = {leg.account: leg.fen for leg in entry.guarded}
            exact = sorted(entry.read)  # every wallet read, those the entry takes nothing from included
            for i, acc in enumerate(exact):
                params[f"x{i}_acc"], params[f"x{i}_fen"], params[f"x{i}_was"] = acc, moved.get(acc, 0), entry.read[acc]
            if self.guard is not None:
                clause = self.guard.clause
                params.update(self.guard.params)
        shape = (len(system), len(entry.legs), record is not None, len(exact))
        row = statement(("link", *shape, id(clause)), lambda: link_statement(*shape, clause)).first(conn, params)
        if row is None:
            raise LookupError(f"a system account of {[leg.account for leg in system]} is missing")
        fields.update(id=row[0], prev_hash=row[1], hash=row[2])
        self.row.__dict__.update(_row(fields))

    def link_now(self, conn) -> None:
        """SQLite: the system legs and the entry's place in the chain now (its writer lock is held anyway)."""
        for leg in self.entry.unguarded:
            moved = statement("system_leg", lambda: leg_update("s", guarded=False).returning(_ACCOUNT.c.balance))
            if moved.first(conn, {"s_acc": leg.account, "s_fen": leg.fen}) is None:
                raise LookupError(f"account {leg.account} is missing")
        head_id, head_hash = statement("head", lambda: select(_HEAD.c.last_id, _HEAD.c.last_hash)
                                       .where(_HEAD.c.id == 1)).first(conn)
        self.fields.update(id=head_id + 1, prev_hash=head_hash)
        self.fields["hash"] = entry_hash(head_hash, self.fields, self.entry.pairs())
        self.row.__dict__.update(_row(self.fields))


def append(session, entry: Entry, *, guard: Guard | None = None) -> Appended:
    """Book `entry` in the session's transaction (see the module's docstring for the forms); raise
    ``insufficient_balance`` (or the guard's refusal) when a person's leg cannot be applied, and nothing is kept.

    The caller may hold the row locks of the people's accounts already (ledger order: theirs come first)."""
    flush_pending(session)
    real = orm_session(session)
    if real is not None:
        real.flush()  # the writer's statements bypass the ORM: they must see what the caller changed
    conn = session.connection()
    deferred = bool(session.info.get(DEFER)) and not nested(session)
    optimistic = is_optimistic(session)
    if optimistic:
        if entry.read is None or not deferred:
            raise RuntimeError("an optimistic session books only deferred entries of balances it read")
        balances = {acc: fen + _moved(entry, acc) for acc, fen in entry.read.items()}
    else:
        balances = dict(entry.read or {})
        balances.update(_person_legs(session, conn, entry, guard))
    pending = _Pending(entry, guard, optimistic)
    if conn.dialect.name != "postgresql":
        pending.link_now(conn)
    if deferred:
        session.info[PENDING] = pending
    else:
        pending.write(conn)
    expire_loaded(session, [leg.account for leg in entry.legs])
    return Appended(pending.row, balances)


def append_many(session, entries: list[Entry]) -> list[EntryRow]:
    """Book `entries` in order, in the caller's transaction, as one run: each account moved once by its net
    amount (people's first, each never below zero), then the entries chained and written in multi-row statements.
    The caller has row-locked the people's accounts. Returns each entry's row as written."""
    if not entries:
        return []
    if is_optimistic(session) or session.info.get(DEFER):
        raise RuntimeError("entries are appended many at once only in a locking, undeferred transaction")
    flush_pending(session)
    real = orm_session(session)
    if real is not None:
        real.flush()
    conn = session.connection()
    net: dict[int, list] = {}
    for entry in entries:
        for leg in entry.legs:
            net.setdefault(leg.account, [0, leg.guarded])[0] += leg.fen
    for guarded in (True, False):
        moves = [{"n_acc": acc, "n_fen": fen} for acc, (fen, g) in sorted(net.items()) if g is guarded and fen]
        if moves:
            result = conn.execute(leg_update("n", guarded=guarded), moves)
            if result.rowcount != len(moves):
                raise DomainError("insufficient_balance") if guarded else LookupError("a system account is missing")
    head_id, head_hash = conn.execute(select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1)
                                      .with_for_update()).one()
    rows = [entry.columns() for entry in entries]
    texts = [text_around_id(row, entry.pairs()) for row, entry in zip(rows, entries)]
    if conn.dialect.name == "postgresql":
        hashes = conn.execute(select(getattr(func, SQL_CHAIN_HASHES)(
            head_hash, head_id + 1, [b for b, _ in texts], [a for _, a in texts]))).scalar_one()
    else:
        hashes = chain_hashes(head_hash, head_id + 1, texts)
    prev = head_hash
    for offset, (row, digest) in enumerate(zip(rows, hashes)):
        row.update(id=head_id + 1 + offset, prev_hash=prev, hash=digest)
        prev = digest
    conn.execute(insert(JournalEntry.__table__), rows)
    conn.execute(insert(Posting.__table__), [{"entry_id": row["id"], "account_id": acc, "amount": fen}
                                             for row, entry in zip(rows, entries) for acc, fen in entry.pairs()])
    conn.execute(update(_HEAD).where(_HEAD.c.id == 1).values(
        last_id=rows[-1]["id"], last_hash=rows[-1]["hash"], prev_hash=rows[-1]["prev_hash"]))
    expire_loaded(session, net)
    return [EntryRow(**_row(row)) for row in rows]


def _moved(entry: Entry, account: int) -> int:
    return next((leg.fen for leg in entry.legs if leg.account == account), 0)


def _person_legs(session, conn, entry: Entry, guard: Guard | None) -> dict[int, int]:
    """The person's legs now, each unable to overdraw, the guard riding on the first; {account: new balance}."""
    legs = entry.guarded
    if not legs:
        return {}
    guard_params = guard.params if guard is not None else {}
    clause = guard.clause if guard is not None else None
    if conn.dialect.name == "postgresql" and len(legs) <= 2:
        params = dict(guard_params)
        for i, leg in enumerate(legs):
            params[f"p{i}_acc"], params[f"p{i}_fen"] = leg.account, leg.fen
        row = statement(("person_legs", len(legs), id(clause)),
                        lambda: person_legs_statement(len(legs), clause)).first(conn, params)
        if row is None:
            _refuse(session, guard)
        return {row[2 * i]: row[2 * i + 1] for i in range(len(legs))}
    balances = {}
    for i, leg in enumerate(legs):
        first = clause if i == 0 else None
        moved = statement(("person_leg", id(first)), lambda: leg_update(
            "p0", guarded=True, guard_clause=first).returning(_ACCOUNT.c.balance))
        new = moved.first(conn, dict(guard_params if i == 0 else {}, p0_acc=leg.account, p0_fen=leg.fen))
        if new is None:
            _refuse(session, guard if i == 0 else None)
        balances[leg.account] = new[0]
    return balances


def _refuse(session, guard: Guard | None):
    """A person's leg changed no row: the guard failed (its refusal), or the balance would go below zero."""
    if guard is not None:
        guard.diagnose(session)
    raise DomainError("insufficient_balance")


def _row(fields: dict) -> dict:
    return {name: fields.get(name) for name in (*HASHED_FIELDS, "prev_hash", "hash")}
