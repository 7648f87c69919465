"""Cashier shifts (班次) and the shift settlement (交班结算)."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.checkpoints import checkpoint_if_configured, checkpoint_labelled, checkpoint_summary
from canteen.models import Account, JournalEntry, Posting, Shift
from canteen.models.base import fen_sum
from canteen.services.common import MAX_CASH_COUNT_FEN, Actor, Rules, check_amount, open_shift_of, require_operator


def open_shift(session: Session, actor: Actor, rules: Rules, *, opening_float=0) -> Shift:
    """Open a shift for the acting operator with its own cash-drawer account."""
    operator = require_operator(actor, "cashier", "manager", "admin")
    opening_float = check_amount(opening_float, rules, allow_zero=True, limit=MAX_CASH_COUNT_FEN)
    if open_shift_of(session, operator) is not None:
        raise DomainError("shift_already_open")
    shift = Shift(operator_id=operator.id, terminal_id=actor.terminal.id if actor.terminal else None,
                  opened_dt=actor.at, opening_float=opening_float)
    try:
        with session.begin_nested():
            session.add(shift)
            session.flush()
    except IntegrityError:
        # Two opens raced; the partial unique index let only one through.
        raise DomainError("shift_already_open") from None
    session.add(Account(kind="drawer", code=f"drawer:{shift.id}", shift_id=shift.id, balance=0))
    session.flush()
    return shift


def expected_cash(session: Session, shift: Shift) -> int:
    """Float plus cash taken minus cash paid out, as the drawer account says."""
    return shift.opening_float - system_account(session, f"drawer:{shift.id}").balance


def close_shift(session: Session, actor: Actor, rules: Rules, *, counted_cash) -> Shift:
    """Close the operator's shift with the cash counted; the difference (长短款) is recorded."""
    operator = require_operator(actor, "cashier", "manager", "admin")
    counted_cash = check_amount(counted_cash, rules, allow_zero=True, limit=MAX_CASH_COUNT_FEN)
    shift = session.scalar(select(Shift).where(Shift.operator_id == operator.id, Shift.closed_dt.is_(None))
                           .with_for_update(of=Shift))
    if shift is None:
        raise DomainError("no_open_shift")
    shift.expected_cash = expected_cash(session, shift)
    shift.counted_cash = counted_cash
    shift.closed_dt = actor.at
    session.flush()
    checkpoint_if_configured(session, rules.checkpoint_key, "shift", f"shift:{shift.id}")
    return shift


def shift_report(session: Session, shift: Shift) -> dict:
    """The shift settlement: count and sum per operation and method, expected and counted cash."""
    rows = session.execute(
        select(JournalEntry.kind, JournalEntry.method, func.count(), fen_sum(JournalEntry.amount))
        .where(JournalEntry.shift_id == shift.id)
        .group_by(JournalEntry.kind, JournalEntry.method).order_by(JournalEntry.kind, JournalEntry.method)).all()
    cash_in = -session.scalar(
        select(fen_sum(Posting.amount)).join(Account, Account.id == Posting.account_id)
        .where(Account.shift_id == shift.id, Posting.amount < 0)) or 0
    cash_out = session.scalar(
        select(fen_sum(Posting.amount)).join(Account, Account.id == Posting.account_id)
        .where(Account.shift_id == shift.id, Posting.amount > 0)) or 0
    return {
        "shift_id": shift.id, "operator": shift.operator.name, "opened_dt": shift.opened_dt.isoformat(),
        "closed_dt": shift.closed_dt.isoformat() if shift.closed_dt else None,
        "lines": [{"kind": k, "method": m, "count": c, "amount": a} for k, m, c, a in rows],
        "opening_float": shift.opening_float, "cash_in": cash_in, "cash_out": cash_out,
        "expected_cash": shift.expected_cash if shift.closed_dt else expected_cash(session, shift),
        "counted_cash": shift.counted_cash, "difference": shift.difference,
        "checkpoint": checkpoint_summary(checkpoint_labelled(session, f"shift:{shift.id}")),
    }
