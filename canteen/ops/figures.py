"""What a copy of the ledger must agree on with its source: the chain heads and the totals.

Read in one snapshot (the caller's transaction), so a backup's manifest describes exactly the state it copied.
"""
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from canteen.models import Account, AuditHead, JournalEntry, LedgerHead, Posting
from canteen.models.base import fen_sum


def ledger_figures(conn: Connection) -> dict:
    """Ledger and audit chain heads, row counts, money by entry kind and balances by account kind."""
    head = conn.execute(select(LedgerHead.last_id, LedgerHead.last_hash).where(LedgerHead.id == 1)).first()
    audit = conn.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    by_kind = conn.execute(select(JournalEntry.kind, func.count(), fen_sum(JournalEntry.amount))
                           .group_by(JournalEntry.kind).order_by(JournalEntry.kind)).all()
    balances = conn.execute(select(Account.kind, fen_sum(Account.balance))
                            .group_by(Account.kind).order_by(Account.kind)).all()
    return {
        "ledger_head": {"last_id": head[0] if head else 0, "last_hash": head[1] if head else None},
        "audit_head": {"last_id": audit[0] if audit else 0, "last_hash": audit[1] if audit else None},
        "entries": conn.scalar(select(func.count()).select_from(JournalEntry)),
        "postings": conn.scalar(select(func.count()).select_from(Posting)),
        "entries_by_kind": {kind: {"count": count, "amount": int(amount)} for kind, count, amount in by_kind},
        "balances_by_account_kind": {kind: int(total) for kind, total in balances},
    }


def differences(expected: dict, found: dict, prefix: str = "") -> list[str]:
    """Every figure that differs, as ``name: expected X, found Y`` lines (empty when they agree)."""
    lines = []
    for key in sorted(set(expected) | set(found)):
        want, got = expected.get(key), found.get(key)
        if isinstance(want, dict) and isinstance(got, dict):
            lines += differences(want, got, f"{prefix}{key}.")
        elif want != got:
            lines.append(f"{prefix}{key}: expected {want!r}, found {got!r}")
    return lines
