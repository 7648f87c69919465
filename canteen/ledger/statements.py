"""The SQL that writes an entry, each piece built once (see :mod:`canteen.ledger.append` for when each runs).

- :func:`leg_update`: the one form of a leg's balance change. A guarded leg (a person's account) can never take
  the balance below zero; an exact one (an optimistic entry) changes the row only if it still holds the balance
  read, and is written even for a zero amount, so a wallet the entry takes nothing from is still checked.
- :func:`person_legs_statement`: PostgreSQL, a person's legs in one statement under the caller's row locks.
- :func:`link_statement`: PostgreSQL, one statement that moves the system accounts and the chain head (numbering
  the entry and hashing it with ``canteen_entry_hash``), then writes the entry, its postings and the request's
  idempotency record (its answer gets the entry's id at a JSON path: no placeholder is ever searched for).
- SQLite writes the same rows with :func:`entry_insert`, :func:`postings_insert` and :func:`head_update`.
"""
from sqlalchemy import (
    Boolean,
    LargeBinary,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from canteen.ledger.chain import SQL_LINK_HASH
from canteen.models import Account, IdempotencyRecord, JournalEntry, LedgerHead, Posting

_ACCOUNT = Account.__table__
_HEAD = LedgerHead.__table__
_ENTRY = JournalEntry.__table__
_POSTING = Posting.__table__
_RECORD = IdempotencyRecord.__table__

ENTRY_COLUMNS = [c.name for c in _ENTRY.columns]
#: What the chain gives an entry (PostgreSQL computes them in :func:`link_statement`).
_LINKED = ("id", "prev_hash", "hash")
#: An optimistic write's failure: a wallet's balance or the card's state changed after the tap read them.
CHANGED_SINCE_READ = "the wallets or the card changed since the tap read them"


def leg_update(prefix: str, *, guarded: bool, exact: bool = False, guard_clause=None):
    """UPDATE adding ``<prefix>_fen`` to account ``<prefix>_acc``: for a `guarded` leg only if the balance stays
    at or above zero, for an `exact` one only if it is still ``<prefix>_was``, and only while `guard_clause`
    holds (e.g. the card is still active)."""
    new = _ACCOUNT.c.balance + bindparam(f"{prefix}_fen", type_=_ACCOUNT.c.balance.type)
    conditions = [_ACCOUNT.c.id == bindparam(f"{prefix}_acc", type_=_ACCOUNT.c.id.type)]
    if guarded:
        conditions.append(new >= 0)
    if exact:
        conditions.append(_ACCOUNT.c.balance == bindparam(f"{prefix}_was", type_=_ACCOUNT.c.balance.type))
    if guard_clause is not None:
        conditions.append(guard_clause)
    return update(_ACCOUNT).where(*conditions).values(balance=new)


def person_legs_statement(n: int, guard_clause):
    """PostgreSQL: `n` guarded legs ``p<i>`` in one statement (the first under `guard_clause`); one row of each
    leg's account id and new balance, or none when a leg changed nothing (the caller refuses, and its rollback
    undoes a leg that did change)."""
    moved = [leg_update(f"p{i}", guarded=True, guard_clause=guard_clause if i == 0 else None)
             .returning(_ACCOUNT.c.id, _ACCOUNT.c.balance).cte(f"p{i}") for i in range(n)]
    columns, source = [], None
    for leg in moved:
        columns += [leg.c.id, leg.c.balance]
        source = leg if source is None else source.join(leg, true())
    return select(*columns).select_from(source)


def entry_params(fields: dict) -> dict:
    """An entry's columns as the bind parameters of :func:`entry_insert` (``e_<column>``)."""
    return {f"e_{name}": fields.get(name) for name in ENTRY_COLUMNS}


def entry_insert():
    """INSERT of one entry from its ``e_<column>`` parameters."""
    return insert(_ENTRY).values({name: bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in ENTRY_COLUMNS})


def postings_insert(n: int, entry_id=None):
    """INSERT of an entry's `n` postings ``l<i>_acc``/``l<i>_fen`` (a UNION of one-row SELECTs: unlike multi-row
    VALUES, SQLAlchemy caches it), for the entry id `entry_id` (a column) or the bound ``e_id``."""
    rows = [select(cast(bindparam("e_id"), _POSTING.c.entry_id.type) if entry_id is None else entry_id,
                   cast(bindparam(f"l{i}_acc"), _POSTING.c.account_id.type),
                   cast(bindparam(f"l{i}_fen"), _POSTING.c.amount.type)) for i in range(n)]
    source = rows[0] if n == 1 else union_all(*rows)
    return insert(_POSTING).from_select(["entry_id", "account_id", "amount"], source)


def head_update():
    """SQLite: the chain head moved to the entry just written (``e_id``, ``e_hash``, ``e_prev_hash``)."""
    return update(_HEAD).where(_HEAD.c.id == 1).values(
        last_id=bindparam("e_id", type_=_HEAD.c.last_id.type),
        last_hash=bindparam("e_hash", type_=_HEAD.c.last_hash.type),
        prev_hash=bindparam("e_prev_hash", type_=_HEAD.c.prev_hash.type))


def record_insert():
    """INSERT of an idempotency record from its ``r_<column>`` parameters."""
    return insert(_RECORD).values({c.name: bindparam(f"r_{c.name}", type_=c.type) for c in _RECORD.columns})


def record_params(record: dict) -> dict:
    """An idempotency record's columns as bind parameters (``r_<column>``)."""
    return {f"r_{c.name}": record.get(c.name) for c in _RECORD.columns}


def link_statement(system_legs: int, legs: int, with_record: bool, exact_legs: int = 0, guard_clause=None):
    """PostgreSQL, one statement: the system legs ``s<i>`` (each after the one before), then the chain head moved
    by one (the entry numbered, and hashed by ``canteen_entry_hash`` from ``t_before`` and ``t_after``), the
    entry, its `legs` postings, and the request's idempotency record, whose answer gets the entry's id at the
    JSON path ``r_id_path``. Returns the entry's id, prev_hash and hash; no row if a system account is missing.

    With `exact_legs` (an optimistic entry), the person's legs ``x<i>`` come first, each moving an account only if
    it still holds the balance read, the first under `guard_clause`; everything after waits on them, and when one
    changes nothing the statement fails (``canteen_require``, SQLSTATE 40001), so that none of it is kept."""
    gate = None
    for i in range(exact_legs):
        gate = _gated(f"x{i}", gate, leg_update(f"x{i}", guarded=True, exact=True,
                                                guard_clause=guard_clause if i == 0 else None))
    for i in range(system_legs):
        gate = _gated(f"s{i}", gate, leg_update(f"s{i}", guarded=False))
    next_id = _HEAD.c.last_id + 1
    digest = getattr(func, SQL_LINK_HASH)(_HEAD.c.last_hash, bindparam("t_before", type_=LargeBinary), next_id,
                                         bindparam("t_after", type_=LargeBinary), type_=Text)
    head = (update(_HEAD).where(_HEAD.c.id == 1, *([gate == 1] if gate is not None else []))
            .values(last_id=next_id, prev_hash=_HEAD.c.last_hash, last_hash=digest)
            .returning(_HEAD.c.last_id, _HEAD.c.prev_hash, _HEAD.c.last_hash).cte("h"))
    own = [name for name in ENTRY_COLUMNS if name not in _LINKED]
    entry_source = select(head.c.last_id, head.c.prev_hash, head.c.last_hash,
                          *[bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in own])
    entry = insert(_ENTRY).from_select(list(_LINKED) + own, entry_source).returning(_ENTRY.c.id).cte("e")
    parts = [entry, postings_insert(legs, entry.c.id).cte("p")]
    if with_record:
        columns = [c.name for c in _RECORD.columns]
        answer = cast(func.jsonb_set(cast(bindparam("r_response", type_=Text), JSONB),
                                     bindparam("r_id_path", type_=ARRAY(Text)), func.to_jsonb(entry.c.id)), Text)
        values = [answer if name == "response" else bindparam(f"r_{name}", type_=_RECORD.c[name].type)
                  for name in columns]
        parts.append(insert(_RECORD).from_select(columns, select(*values).select_from(entry)).cte("r"))
    if not exact_legs:
        return select(head.c.last_id, head.c.prev_hash, head.c.last_hash).add_cte(*parts)
    # An aggregate gives its one row even when the head did not move, so the check always runs.
    applied = func.canteen_require(func.count() == 1, literal(CHANGED_SINCE_READ, Text), type_=Boolean)
    return (select(func.max(head.c.last_id), func.max(head.c.prev_hash), func.max(head.c.last_hash), applied)
            .add_cte(*parts))


def _gated(name: str, gate, moved):
    """CTE `name` running UPDATE `moved` only if the previous one (`gate`: its row count) changed its row; returns
    this one's row count, the next one's gate."""
    if gate is not None:
        moved = moved.where(gate == 1)
    counted = moved.returning(_ACCOUNT.c.id).cte(name)
    return select(func.count()).select_from(counted).scalar_subquery()
