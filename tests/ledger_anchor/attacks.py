"""The two attacks a database superuser who read the code can make on the hash chain."""
from sqlalchemy import select, text

from canteen.extensions import db
from canteen.ledger.chain import HASHED_FIELDS, entry_hash
from canteen.models import JournalEntry, LedgerHead, Posting


def as_superuser() -> None:
    """Switch off every trigger (append-only guards, zero-sum checks) the way a superuser can."""
    if db.engine.dialect.name == "sqlite":
        names = db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        for name in names:
            db.session.execute(text(f"DROP TRIGGER {name}"))
    else:
        db.session.execute(text("SET session_replication_role = replica"))


def _move_balances(postings, sign: int) -> None:
    for account_id, amount in postings:
        db.session.execute(text("UPDATE account SET balance = balance + :d WHERE id = :id"),
                           {"d": sign * amount, "id": account_id})


def truncate_tail(keep: int) -> None:
    """Delete every entry after `keep` with its postings, undo their balances and rewind the chain head."""
    as_superuser()
    legs = db.session.execute(select(Posting.account_id, Posting.amount).where(Posting.entry_id > keep)).all()
    _move_balances(legs, -1)
    for table in ("posting", "journal_entry"):
        column = "entry_id" if table == "posting" else "id"
        db.session.execute(text(f"DELETE FROM {table} WHERE {column} > :k"), {"k": keep})
    last = db.session.get(JournalEntry, keep)
    db.session.execute(text("UPDATE ledger_head SET last_id = :i, last_hash = :h, prev_hash = :p WHERE id = 1"),
                       {"i": keep, "h": last.hash, "p": last.prev_hash})
    db.session.commit()


def edit_and_rehash(entry_id: int, new_amount: int) -> None:
    """Change an entry's amount (postings and balances in proportion) and rehash the chain from it onward
    with the real algorithm, as a superuser who read the code would."""
    as_superuser()
    entry = db.session.get(JournalEntry, entry_id)
    old = entry.amount
    legs = db.session.execute(select(Posting.id, Posting.account_id, Posting.amount)
                              .where(Posting.entry_id == entry_id)).all()
    for posting_id, account_id, amount in legs:
        changed = amount * new_amount // old
        db.session.execute(text("UPDATE posting SET amount = :a WHERE id = :id"), {"a": changed, "id": posting_id})
        _move_balances([(account_id, changed - amount)], 1)
    db.session.execute(text("UPDATE journal_entry SET amount = :a WHERE id = :id"), {"a": new_amount, "id": entry_id})
    db.session.expire_all()
    prev = db.session.get(JournalEntry, entry_id).prev_hash
    last_prev = prev
    for entry in db.session.scalars(select(JournalEntry).where(JournalEntry.id >= entry_id)
                                    .order_by(JournalEntry.id)).all():
        fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
        legs = db.session.execute(select(Posting.account_id, Posting.amount)
                                  .where(Posting.entry_id == entry.id)).all()
        digest = entry_hash(prev, fields, legs)
        db.session.execute(text("UPDATE journal_entry SET prev_hash = :p, hash = :h WHERE id = :id"),
                           {"p": prev, "h": digest, "id": entry.id})
        last_prev, prev = prev, digest
    db.session.execute(text("UPDATE ledger_head SET last_hash = :h, prev_hash = :p WHERE id = 1"),
                       {"h": prev, "p": last_prev})
    db.session.commit()
    db.session.expire_all()


def head_id() -> int:
    return db.session.get(LedgerHead, 1).last_id
