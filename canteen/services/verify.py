"""The ledger proves itself: zero-sum postings, cached balances, the hash chain, money held."""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.ledger.chain import GENESIS, HASHED_FIELDS, entry_hash
from canteen.models import Account, JournalEntry, LedgerHead, Posting
from canteen.models.base import fen_sum
from canteen.models.ledger import PERSON_KINDS, RECEIVABLE_PREFIX
from canteen.models.offline import OfflineException

#: How each entry kind's headline amount moves the money held for diners.
HELD_SIGN = {"card_issue": 1, "top_up": 1, "subsidy": 1, "refund": 1,
             "meal": -1, "cancel": -1, "subsidy_expiry": -1}


@dataclass
class Proof:
    """What ``canteen ledger verify`` found."""

    entries: int = 0
    postings: int = 0
    accounts: int = 0
    money_in: dict = field(default_factory=dict)
    money_out: dict = field(default_factory=dict)
    held: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems


def verify_ledger(session: Session) -> Proof:
    """Run every check; each problem names the first bad row it found."""
    proof = Proof()
    proof.entries = session.scalar(select(func.count()).select_from(JournalEntry))
    proof.postings = session.scalar(select(func.count()).select_from(Posting))
    proof.accounts = session.scalar(select(func.count()).select_from(Account))
    _zero_sum(session, proof)
    _balances(session, proof)
    _chain(session, proof)
    _money_held(session, proof)
    _overdrafts(session, proof)
    return proof


def _zero_sum(session: Session, proof: Proof) -> None:
    bad = session.execute(
        select(JournalEntry.id, fen_sum(Posting.amount), func.count(Posting.id))
        .outerjoin(Posting, Posting.entry_id == JournalEntry.id).group_by(JournalEntry.id)
        .having((fen_sum(Posting.amount) != 0) | (func.count(Posting.id) < 2))
        .order_by(JournalEntry.id).limit(1)).first()
    if bad:
        proof.problems.append(f"entry {bad[0]}: postings sum to {bad[1]} over {bad[2]} postings, not zero")


def _balances(session: Session, proof: Proof) -> None:
    posted = select(Posting.account_id, fen_sum(Posting.amount).label("total")).group_by(Posting.account_id).subquery()
    bad = session.execute(
        select(Account.id, Account.kind, Account.balance, func.coalesce(posted.c.total, 0))
        .outerjoin(posted, posted.c.account_id == Account.id)
        .where(Account.balance != func.coalesce(posted.c.total, 0)).order_by(Account.id).limit(1)).first()
    if bad:
        proof.problems.append(f"account {bad[0]} ({bad[1]}): cached balance {bad[2]} but postings sum to {bad[3]}")
    negative = session.execute(select(Account.id, Account.balance).where(
        Account.kind.in_(PERSON_KINDS), Account.balance < 0).order_by(Account.id).limit(1)).first()
    if negative:
        proof.problems.append(f"account {negative[0]}: a diner's account is negative ({negative[1]})")
    total = session.scalar(select(fen_sum(Account.balance)))
    if total != 0:
        proof.problems.append(f"all account balances sum to {total}, not zero")


def _chain(session: Session, proof: Proof) -> None:
    prev, last_prev, expected_id = GENESIS, None, 1
    legs: dict[int, list] = {}
    columns = [getattr(JournalEntry, name) for name in HASHED_FIELDS] + [JournalEntry.prev_hash, JournalEntry.hash]
    for chunk_start in range(1, proof.entries + 1, 5000):
        chunk_end = chunk_start + 5000
        legs = {}
        for entry_id, account_id, amount in session.execute(
                select(Posting.entry_id, Posting.account_id, Posting.amount)
                .where(Posting.entry_id >= chunk_start, Posting.entry_id < chunk_end)):
            legs.setdefault(entry_id, []).append((account_id, amount))
        for row in session.execute(select(*columns).where(
                JournalEntry.id >= chunk_start, JournalEntry.id < chunk_end).order_by(JournalEntry.id)):
            fields = dict(zip(HASHED_FIELDS, row[:len(HASHED_FIELDS)]))
            stored_prev, stored_hash = row[-2], row[-1]
            if fields["id"] != expected_id:
                proof.problems.append(f"entry {expected_id}: missing from the chain (next is {fields['id']})")
                return
            if stored_prev != prev or entry_hash(prev, fields, legs.get(fields["id"], [])) != stored_hash:
                proof.problems.append(f"entry {fields['id']}: hash chain broken (content or link altered)")
                return
            prev, last_prev, expected_id = stored_hash, stored_prev, expected_id + 1
    head = session.get(LedgerHead, 1)
    if (head is None or head.last_id != expected_id - 1 or head.last_hash != prev
            or (expected_id > 1 and head.prev_hash not in (None, last_prev))):
        proof.problems.append(f"ledger head does not match the last entry {expected_id - 1}")


def _money_held(session: Session, proof: Proof) -> None:
    by_kind = dict(session.execute(
        select(JournalEntry.kind, fen_sum(JournalEntry.amount)).group_by(JournalEntry.kind)).all())
    wallet_fees = session.scalar(select(fen_sum(JournalEntry.amount)).where(
        JournalEntry.kind == "card_fee", JournalEntry.method == "wallet"))
    proof.money_in = {k: by_kind.get(k, 0) for k, s in HELD_SIGN.items() if s > 0}
    proof.money_out = {k: by_kind.get(k, 0) for k, s in HELD_SIGN.items() if s < 0}
    proof.money_out["card_fee(wallet)"] = wallet_fees
    # A cancellation's amount is what left the wallets; the offline debt it settled stays within money held.
    proof.money_in["cancel(debt settled)"] = session.scalar(
        select(fen_sum(Posting.amount)).join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .where(JournalEntry.kind == "cancel", Account.code.startswith(RECEIVABLE_PREFIX)))
    proof.held = session.scalar(select(fen_sum(Account.balance)).where(
        Account.kind.in_(PERSON_KINDS) | Account.code.startswith(RECEIVABLE_PREFIX)))
    computed = sum(proof.money_in.values()) - sum(proof.money_out.values())
    if computed != proof.held:
        proof.problems.append(f"money in minus money out is {computed} but diners' accounts hold {proof.held}")


def _overdrafts(session: Session, proof: Proof) -> None:
    """A diner's negative position is only what recorded offline exceptions put there, less repayments."""
    receivables = select(Account.id).where(Account.code.startswith(RECEIVABLE_PREFIX)).scalar_subquery()
    credit = session.execute(select(Account.id, Account.balance).where(
        Account.code.startswith(RECEIVABLE_PREFIX), Account.balance > 0).order_by(Account.id).limit(1)).first()
    if credit:
        proof.problems.append(f"account {credit[0]}: a receivable in credit ({credit[1]})")
    recorded = select(OfflineException.entry_id, fen_sum(OfflineException.overdraft).label("overdraft")).where(
        OfflineException.entry_id.is_not(None)).group_by(OfflineException.entry_id).subquery()
    unexplained = session.execute(
        select(Posting.entry_id, Posting.amount, recorded.c.overdraft)
        .outerjoin(recorded, recorded.c.entry_id == Posting.entry_id)
        .where(Posting.account_id.in_(receivables), Posting.amount < 0,
               func.coalesce(recorded.c.overdraft, 0) != -Posting.amount)
        .order_by(Posting.entry_id).limit(1)).first()
    if unexplained:
        proof.problems.append(f"entry {unexplained[0]}: {-unexplained[1]} debited to a receivable but the offline "
                              f"exception records {unexplained[2] or 0}")
    repaid = session.execute(
        select(Posting.entry_id).join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.account_id.in_(receivables), Posting.amount > 0,
               JournalEntry.kind.not_in(("top_up", "refund", "cancel")))
        .order_by(Posting.entry_id).limit(1)).first()
    if repaid:
        proof.problems.append(f"entry {repaid[0]}: credits a receivable but is not a top-up, refund or cancellation")
