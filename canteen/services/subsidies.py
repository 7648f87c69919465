"""Subsidies (补贴): a batch credited to the subsidy wallets of chosen departments or categories.

Subsidy is spent before cash and oldest first, so when a batch with the ``zero`` rule
expires, what is left of it is the part of the wallet not covered by newer grants; that
part goes back to the subsidy fund in an expiry entry of its own.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import Booked, post_entry
from canteen.models import Account, JournalEntry, Person, Posting, SubsidyBatch
from canteen.models.base import fen_sum
from canteen.services.common import Actor, Rules, check_amount, require_operator


def _ids(values) -> list[int]:
    values = list(values or [])
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise DomainError("invalid_input", "部门和类别须为编号")
    return sorted(set(values))


def subsidy_recipients(session: Session, department_ids=(), category_ids=()) -> list[Person]:
    """Active people in any of the departments and of any of the categories chosen (empty: all)."""
    query = select(Person).where(Person.state == "active").order_by(Person.id)
    if department_ids:
        query = query.where(Person.department_id.in_(department_ids))
    if category_ids:
        query = query.where(Person.category_id.in_(category_ids))
    return list(session.scalars(query))


def issue_subsidy(
    session: Session, actor: Actor, rules: Rules, *, title: str, amount_each, department_ids=(),
    category_ids=(), expires_on: date | None = None, expiry_rule: str = "carry",
) -> tuple[SubsidyBatch, Booked]:
    """Credit `amount_each` fen to every recipient's subsidy wallet from the subsidy fund, in one entry."""
    require_operator(actor, "manager", "admin")
    amount_each = check_amount(amount_each, rules)
    department_ids, category_ids = _ids(department_ids), _ids(category_ids)
    if expiry_rule not in ("zero", "carry"):
        raise DomainError("invalid_input", "expiry_rule")
    if expiry_rule == "zero" and (expires_on is None or expires_on <= business_date(actor.at, rules.timezone)):
        raise DomainError("invalid_date", "到期清零的补贴须有将来的到期日")
    people = subsidy_recipients(session, department_ids, category_ids)
    if not people:
        raise DomainError("no_recipients")
    batch = SubsidyBatch(
        title=(title or "补贴")[:100], amount_each=amount_each, people_count=len(people),
        department_ids=",".join(map(str, department_ids)), category_ids=",".join(map(str, category_ids)),
        expiry_rule=expiry_rule, expires_on=expires_on, operator_id=actor.operator.id, created_dt=actor.at)
    session.add(batch)
    session.flush()
    wallets = session.scalars(select(Account).where(
        Account.kind == "subsidy", Account.person_id.in_([p.id for p in people])).order_by(Account.id)
        .with_for_update()).all()
    total = amount_each * len(wallets)
    booked = post_entry(
        session, kind="subsidy", amount=total, method="fund",
        postings=[(w, amount_each) for w in wallets] + [(system_account(session, "subsidy_fund"), -total)],
        created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
        idempotency_key=actor.key, subsidy_batch_id=batch.id, memo=batch.title, **actor.refs)
    return batch, booked


def expiring_amounts(session: Session, batch: SubsidyBatch) -> dict[int, int]:
    """Per subsidy account, how much of `batch` is left: balance less newer grants, at most the grant."""
    issued = session.scalar(select(JournalEntry.id).where(
        JournalEntry.subsidy_batch_id == batch.id, JournalEntry.kind == "subsidy"))
    granted = session.execute(select(Posting.account_id, Posting.amount).where(Posting.entry_id == issued)).all()
    accounts = [acc for acc, _ in granted]
    newer = dict(session.execute(
        select(Posting.account_id, fen_sum(Posting.amount)).join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(JournalEntry.kind == "subsidy", JournalEntry.id > issued, Posting.account_id.in_(accounts))
        .group_by(Posting.account_id)).all())
    balances = dict(session.execute(
        select(Account.id, Account.balance).where(Account.id.in_(accounts)).order_by(Account.id)
        .with_for_update()).all())
    left = {acc: min(grant, max(0, balances[acc] - newer.get(acc, 0))) for acc, grant in granted if grant > 0}
    return {acc: fen for acc, fen in left.items() if fen > 0}


def expire_subsidy(session: Session, actor: Actor, rules: Rules, *, batch_id) -> Booked | None:
    """Return what is left of an expired ``zero``-rule batch to the fund (one entry); None if nothing is left."""
    require_operator(actor, "manager", "admin")
    batch = session.get(SubsidyBatch, batch_id, with_for_update=True) if isinstance(batch_id, int) else None
    if batch is None:
        raise DomainError("not_found", f"subsidy batch {batch_id}")
    today = business_date(actor.at, rules.timezone)
    if batch.expiry_rule != "zero" or batch.expired_dt is not None or batch.expires_on > today:
        raise DomainError("subsidy_not_expirable")
    batch.expired_dt = actor.at
    left = expiring_amounts(session, batch)
    session.flush()
    if not left:
        return None
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(left)))}
    total = sum(left.values())
    return post_entry(
        session, kind="subsidy_expiry", amount=total, method="fund",
        postings=[(accounts[acc], -fen) for acc, fen in left.items()]
        + [(system_account(session, "subsidy_fund"), total)],
        created_dt=actor.at, business_date=today, idempotency_key=actor.key,
        subsidy_batch_id=batch.id, memo=f"{batch.title} 到期清零", **actor.refs)


def due_batches(session: Session, today: date) -> list[SubsidyBatch]:
    """Batches with the ``zero`` rule whose expiry date has come and that have not expired yet."""
    return list(session.scalars(select(SubsidyBatch).where(
        SubsidyBatch.expiry_rule == "zero", SubsidyBatch.expired_dt.is_(None), SubsidyBatch.expires_on <= today)))
