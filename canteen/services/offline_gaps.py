"""Gaps in a terminal's offline sequence (缺号): charges still in some outbox, or lost.

Offline items replay strictly in order, so a sync that skips a number is refused from that item
on and the gap is noted. An operator who learns that the missing charges are gone for good (the
terminal's disk was replaced, its outbox restored from an old copy) resolves the gap with a reason:
the audited decision lets the terminal's queue go on, and should the missing charges turn up
after all, they are still booked, once.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.models import OfflineCursor, Terminal
from canteen.models.offline import OfflineGap
from canteen.services.common import Actor, require_operator

RESOLVERS = ("manager", "admin")


@dataclass
class GapView:
    """One gap as the operator sees it; ``kind`` is ``gap`` (noted at sync), ``filled`` (its charges arrived
    since) or ``unsynced`` (the terminal reports charges the server has not received yet: nothing is wrong
    unless it stays so)."""

    terminal: str
    first_seq: int
    last_seq: int
    kind: str
    id: int | None = None
    found_dt: datetime | None = None
    resolved_dt: datetime | None = None
    reason: str | None = None

    @property
    def count(self) -> int:
        """How many sequence numbers are missing."""
        return self.last_seq - self.first_seq + 1


def note_gap(session: Session, terminal: Terminal, first_seq: int, last_seq: int, now: datetime) -> None:
    """Remember that `first_seq`..`last_seq` did not arrive (once per starting number)."""
    if session.scalar(select(OfflineGap.id).where(OfflineGap.terminal_id == terminal.id,
                                                  OfflineGap.first_seq == first_seq)) is not None:
        return
    try:
        with session.begin_nested():
            session.add(OfflineGap(terminal_id=terminal.id, first_seq=first_seq, last_seq=last_seq, found_dt=now))
    except IntegrityError:
        pass


def in_resolved_gap(session: Session, terminal: Terminal, seq: int) -> bool:
    """True when `seq` lies in a gap an operator resolved (a late arrival is booked, not refused)."""
    return session.scalar(select(OfflineGap.id).where(
        OfflineGap.terminal_id == terminal.id, OfflineGap.resolved_dt.is_not(None),
        OfflineGap.first_seq <= seq, OfflineGap.last_seq >= seq)) is not None


def list_gaps(session: Session, terminal: Terminal | None = None, *, include_resolved: bool = True
              ) -> list[GapView]:
    """Every noted gap (open first), and each terminal's unsynced tail as it last reported it."""
    query = select(OfflineGap, Terminal.code, OfflineCursor.last_seq).join(
        Terminal, Terminal.id == OfflineGap.terminal_id).outerjoin(
        OfflineCursor, OfflineCursor.terminal_id == OfflineGap.terminal_id)
    if terminal is not None:
        query = query.where(OfflineGap.terminal_id == terminal.id)
    if not include_resolved:
        query = query.where(OfflineGap.resolved_dt.is_(None))
    views = [GapView(code, g.first_seq, g.last_seq,
                     "filled" if g.resolved_dt is None and (received or 0) >= g.last_seq else "gap",
                     g.id, g.found_dt, g.resolved_dt, g.reason)
             for g, code, received in session.execute(query.order_by(Terminal.code, OfflineGap.first_seq))]
    tails = select(Terminal.code, Terminal.outbox_last_seq, OfflineCursor.last_seq, Terminal.reported_dt).outerjoin(
        OfflineCursor, OfflineCursor.terminal_id == Terminal.id).where(Terminal.outbox_last_seq.is_not(None))
    if terminal is not None:
        tails = tails.where(Terminal.id == terminal.id)
    for code, reported, received, at in session.execute(tails.order_by(Terminal.code)):
        if reported > (received or 0):
            views.append(GapView(code, (received or 0) + 1, reported, "unsynced", found_dt=at))
    views.sort(key=lambda v: (v.resolved_dt is not None, v.terminal, v.first_seq))
    return views


def resolve_gap(session: Session, actor: Actor, *, gap_id, reason: str, now: datetime) -> OfflineGap:
    """Mark a gap resolved with the operator's reason; the terminal's replay goes on after it."""
    operator = require_operator(actor, *RESOLVERS)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("gap_reason_required")
    gap = session.get(OfflineGap, gap_id, with_for_update=True) if isinstance(gap_id, int) else None
    if gap is None:
        raise DomainError("not_found", f"offline gap {gap_id}")
    if gap.resolved_dt is not None:
        raise DomainError("offline_gap_resolved")
    cursor = session.scalar(select(OfflineCursor).where(OfflineCursor.terminal_id == gap.terminal_id)
                            .with_for_update())
    if cursor is not None and cursor.last_seq >= gap.last_seq:
        raise DomainError("offline_gap_resolved", "the missing charges have arrived")
    if cursor is not None and cursor.last_seq == gap.first_seq - 1:
        cursor.last_seq, cursor.updated_dt = gap.last_seq, now
    gap.resolved_dt, gap.resolved_by, gap.reason = now, operator.id, reason[:200]
    session.flush()
    return gap
