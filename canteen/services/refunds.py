"""Refunds (退款) of a meal charge, partial or full, never beyond what is left of it.

Above the configured amount a refund is only a request until a second, different operator
approves it; the database refuses an approval by the requester too.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import post_entry
from canteen.models import Account, JournalEntry, Posting, RefundRequest
from canteen.models.base import fen_sum
from canteen.services.common import Actor, Rules, check_amount, require_operator
from canteen.services.offline_debt import owed, owed_account, receivable_left, refund_split
from canteen.services.people import lock_active_person

APPROVERS = ("manager", "admin")


@dataclass
class RefundOutcome:
    """Either a booked refund entry, or a request waiting for approval."""

    entry: JournalEntry | None = None
    request: RefundRequest | None = None
    cash_back: int = 0
    subsidy_back: int = 0


def refundable(session: Session, original: JournalEntry) -> dict[str, int]:
    """What is left to refund of a meal, per wallet it was paid from."""
    paid = dict(session.execute(
        select(Account.kind, -Posting.amount).join(Account, Account.id == Posting.account_id)
        .where(Posting.entry_id == original.id, Account.kind.in_(("cash", "subsidy")))).all())
    back = dict(session.execute(
        select(Account.kind, fen_sum(Posting.amount))
        .join(Account, Account.id == Posting.account_id).join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(JournalEntry.original_id == original.id, Account.kind.in_(("cash", "subsidy")))
        .group_by(Account.kind)).all())
    left = {kind: paid.get(kind, 0) - back.get(kind, 0) for kind in ("cash", "subsidy")}
    left["receivable"] = receivable_left(session, original)  # an offline meal's overdrawn part
    return left


def _original(session: Session, original_id) -> JournalEntry:
    entry = session.get(JournalEntry, original_id) if isinstance(original_id, int) else None
    if entry is None:
        raise DomainError("not_found", f"entry {original_id}")
    if entry.kind != "meal":
        raise DomainError("not_refundable", entry.kind)
    return entry


def refund(session: Session, actor: Actor, rules: Rules, *, original_id, amount, reason: str | None = None,
           ) -> RefundOutcome:
    """Refund `amount` fen of a meal; above the approval threshold, file a request instead."""
    require_operator(actor, "cashier", "manager", "admin")
    amount = check_amount(amount, rules)
    original = _original(session, original_id)
    _, wallets = lock_active_person(session, original.person_id)
    if amount > sum(refundable(session, original).values()):
        raise DomainError("refund_exceeds_original")
    if amount > rules.refund_approval_fen:
        request = RefundRequest(original_id=original.id, amount=amount, reason=reason,
                                requested_by=actor.operator.id, requested_dt=actor.at,
                                terminal_id=actor.terminal.id if actor.terminal else None)
        session.add(request)
        session.flush()
        return RefundOutcome(request=request)
    return _book(session, actor, rules, original, wallets, amount, reason, approver_id=None)


def decide_refund(session: Session, actor: Actor, rules: Rules, *, request_id, approve: bool) -> RefundOutcome:
    """Approve (booking the refund) or reject a pending request; never the requester's own."""
    require_operator(actor, *APPROVERS)
    request = session.get(RefundRequest, request_id, with_for_update=True) if isinstance(request_id, int) else None
    if request is None:
        raise DomainError("not_found", f"refund request {request_id}")
    if request.state != "pending":
        raise DomainError("request_decided")
    if request.requested_by == actor.operator.id:
        raise DomainError("self_approval")
    request.state, request.decided_by, request.decided_dt = (
        "approved" if approve else "rejected", actor.operator.id, actor.at)
    if not approve:
        session.flush()
        return RefundOutcome(request=request)
    original = _original(session, request.original_id)
    _, wallets = lock_active_person(session, original.person_id)
    if request.amount > sum(refundable(session, original).values()):
        raise DomainError("refund_exceeds_original")
    outcome = _book(session, actor, rules, original, wallets, request.amount, request.reason,
                    approver_id=actor.operator.id, operator_id=request.requested_by)
    request.entry_id = outcome.entry.id
    session.flush()
    outcome.request = request
    return outcome


def _book(session, actor, rules, original, wallets, amount, reason, *, approver_id, operator_id=None,
          ) -> RefundOutcome:
    """Post the refund: an offline debt repaid first, then cash (it never expires), then subsidy."""
    left = refundable(session, original)
    receivable = owed_account(session, original.person_id)
    cash_back, subsidy_back, repaid = refund_split(left, amount, owed(receivable))
    refs = actor.refs
    if operator_id is not None:
        refs["operator_id"] = operator_id
    booked = post_entry(
        session, kind="refund", amount=amount, method="wallet",
        postings=[(wallets["cash"], cash_back), (wallets["subsidy"], subsidy_back),
                  (system_account(session, "refunds"), -amount)] + ([(receivable, repaid)] if repaid else []),
        created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
        idempotency_key=actor.key, person_id=original.person_id, card_id=original.card_id,
        meal_period_id=original.meal_period_id, original_id=original.id, approver_id=approver_id,
        memo=(reason or None) and reason[:200], **refs,
    )
    return RefundOutcome(entry=booked.entry, cash_back=cash_back, subsidy_back=subsidy_back)
