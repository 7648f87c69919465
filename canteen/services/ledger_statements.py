"""The statements that write a journal entry, built once per shape (see :mod:`canteen.services.ledger_fast`).

On PostgreSQL one statement links the entry into the chain and writes it: :func:`link_statement`. SQLite writes
the entry, its postings and the head as separate statements from the same pieces.
"""
from sqlalchemy import Boolean, LargeBinary, Text, bindparam, cast, func, insert, literal, select, union_all, update

from canteen.models import Account, IdempotencyRecord, JournalEntry, LedgerHead, Posting

_ACCOUNT = Account.__table__
_HEAD = LedgerHead.__table__
_ENTRY = JournalEntry.__table__
_POSTING = Posting.__table__
_RECORD = IdempotencyRecord.__table__

#: The id of a deferred entry until it is written (PostgreSQL numbers it in its last statement). No real
#: id, amount or count comes near it, so the write can find it in the request's answer and put the id there.
PENDING_ID = -7_000_000_000_000_000_001

ENTRY_COLUMNS = [c.name for c in _ENTRY.columns]
#: What PostgreSQL's link statement computes itself.
_LINKED = ("id", "prev_hash", "hash")


def entry_params(fields: dict) -> dict:
    """An entry's columns as the bind parameters of :func:`entry_values` (``e_<column>``)."""
    return {f"e_{name}": fields.get(name) for name in ENTRY_COLUMNS}


def entry_values():
    """An entry's columns as bind parameters, typed."""
    return {name: bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in ENTRY_COLUMNS}


def postings_insert(n: int, entry_id=None):
    """INSERT of an entry's `n` postings (a UNION of one-row SELECTs: unlike multi-row VALUES, SQLAlchemy caches
    it), for the entry id `entry_id` (a column) or the bound ``e_id``."""
    rows = [select(cast(bindparam("e_id"), _POSTING.c.entry_id.type) if entry_id is None else entry_id,
                   cast(bindparam(f"l{i}_acc"), _POSTING.c.account_id.type),
                   cast(bindparam(f"l{i}_fen"), _POSTING.c.amount.type)) for i in range(n)]
    source = rows[0] if n == 1 else union_all(*rows)
    return insert(_POSTING).from_select(["entry_id", "account_id", "amount"], source)


def record_values():
    """An idempotency record's columns as bind parameters, typed."""
    return {c.name: bindparam(f"r_{c.name}", type_=c.type) for c in _RECORD.columns}


def record_params(record: dict) -> dict:
    """An idempotency record's columns as the bind parameters of :func:`record_values` (``r_<column>``)."""
    return {f"r_{name}": value for name, value in record.items()}


def link_statement(system_legs: int, legs: int, with_record: bool, debits: int = 0, guard_clause=None):
    """PostgreSQL, one statement: the system legs (each after the one before), then the chain head moved
    by one (numbering the entry and hashing it: SHA-256 of the previous hash and the entry's text around
    its id), the entry, its postings, and the request's idempotency record (its answer's
    :data:`PENDING_ID` replaced by the id). Returns the entry's id, prev_hash and hash; no row if a
    system account is missing.

    With `debits` (the optimistic form, see :func:`canteen.services.ledger_fast.post_fast`), the person's
    legs come first, each an update of an account whose balance is still the one read (``d<i>_was``),
    the first under `guard_clause`; everything after waits on them, and when one changes nothing the
    statement fails (``canteen_require``, SQLSTATE 40001) so that none of it is kept."""
    gate = None
    for i in range(debits):
        conditions = [_ACCOUNT.c.balance == bindparam(f"d{i}_was"), _ACCOUNT.c.balance + bindparam(f"d{i}_fen") >= 0]
        if guard_clause is not None and i == 0:
            conditions.append(guard_clause)
        gate = _gated_update(f"d{i}", gate, *conditions)
    for i in range(system_legs):
        gate = _gated_update(f"s{i}", gate)
    next_id = _HEAD.c.last_id + 1
    text = (func.convert_to(_HEAD.c.last_hash, literal("UTF8", Text))
            .op("||", return_type=LargeBinary)(bindparam("t_before", type_=LargeBinary))
            .op("||", return_type=LargeBinary)(func.convert_to(cast(next_id, Text), literal("UTF8", Text)))
            .op("||", return_type=LargeBinary)(bindparam("t_after", type_=LargeBinary)))
    head_conditions = [_HEAD.c.id == 1] + ([gate == 1] if gate is not None else [])
    head = (update(_HEAD).where(*head_conditions)
            .values(last_id=next_id, prev_hash=_HEAD.c.last_hash,
                    last_hash=func.encode(func.sha256(text), literal("hex", Text)))
            .returning(_HEAD.c.last_id, _HEAD.c.prev_hash, _HEAD.c.last_hash).cte("h"))
    own = [name for name in ENTRY_COLUMNS if name not in _LINKED]
    entry_source = select(head.c.last_id, head.c.prev_hash, head.c.last_hash,
                          *[bindparam(f"e_{name}", type_=_ENTRY.c[name].type) for name in own])
    entry = (insert(_ENTRY).from_select(list(_LINKED) + own, entry_source)
             .returning(_ENTRY.c.id).cte("e"))
    parts = [entry, postings_insert(legs, entry.c.id).cte("p")]
    if with_record:
        record_columns = [c.name for c in _RECORD.columns]
        mark = bindparam("mark", type_=Text)
        answer = func.replace(bindparam("r_response", type_=Text), mark, cast(entry.c.id, Text))
        values = [answer if name == "response" else bindparam(f"r_{name}", type_=_RECORD.c[name].type)
                  for name in record_columns]
        parts.append(insert(_RECORD).from_select(record_columns, select(*values).select_from(entry)).cte("r"))
    if not debits:
        return select(head.c.last_id, head.c.prev_hash, head.c.last_hash).add_cte(*parts)
    # An aggregate gives its one row even when the head did not move, so the check always runs.
    applied = func.canteen_require(func.count() == 1, literal(CHANGED_SINCE_READ, Text), type_=Boolean)
    return (select(func.max(head.c.last_id), func.max(head.c.prev_hash), func.max(head.c.last_hash), applied)
            .add_cte(*parts))


#: The optimistic form's failure: a wallet's balance or the card's state changed after the tap read them.
CHANGED_SINCE_READ = "the wallets or the card changed since the tap read them"


def _gated_update(name: str, gate, *conditions):
    """CTE `name`: UPDATE adding ``<name>_fen`` to the balance of account ``<name>_acc`` under `conditions`, run
    only if the previous one (`gate`: its row count) changed its row; returns this one's row count, the next
    one's gate."""
    conditions = [_ACCOUNT.c.id == bindparam(f"{name}_acc"), *conditions] + ([gate == 1] if gate is not None else [])
    moved = (update(_ACCOUNT).where(*conditions).values(balance=_ACCOUNT.c.balance + bindparam(f"{name}_fen"))
             .returning(_ACCOUNT.c.id).cte(name))
    return select(func.count()).select_from(moved).scalar_subquery()
