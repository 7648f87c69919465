"""A journal entry as a value, validated once, before any path writes it (记账分录).

Every way an entry is booked (:mod:`canteen.ledger.append`: immediately, deferred to the commit, optimistically in
one statement, or many at once) takes an :class:`Entry` made by :func:`make_entry`, so the rules of an entry are
checked here and nowhere else: whole fen and no absurd amount, legs that sum to zero, one leg per account, a
person's account never below zero (each guarded leg is written as a conditional update, and an optimistic entry's
balances read must cover it), and the wallets a split was decided on are the wallets its write guards.
Pure: no database.
"""
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from canteen.errors import DomainError

#: The kinds of entry the journal holds (the database's CHECK says the same).
KINDS = ("card_issue", "top_up", "meal", "refund", "card_fee", "cancel", "subsidy", "subsidy_expiry",
         "guest_meal", "fuel_top_up", "fuel_spend")
#: Columns an entry may name besides its kind, amount, times and key (who, where, what it corrects ...).
REFS = ("method", "person_id", "card_id", "terminal_id", "operator_id", "approver_id", "shift_id",
        "meal_period_id", "original_id", "subsidy_batch_id", "memo")
#: No canteen movement comes near this (a billion yuan: a subsidy batch for the whole compound is a few hundred
#: thousand); more is a bug or an attack, refused before any write. Every lifetime sum stays far inside 64 bits.
MAX_FEN = 10**11


@dataclass(frozen=True)
class Leg:
    """One posting of an entry: `fen` credited (positive) or debited (negative) to `account`. A `guarded` leg is on
    a person's account (cash, subsidy, deposit wallet), which may never go below zero."""

    account: int
    fen: int
    guarded: bool


@dataclass(frozen=True, eq=False)
class Entry:
    """An entry ready to append: its columns and its legs (one per account, none zero, by account id)."""

    kind: str
    amount: int
    legs: tuple[Leg, ...]
    created_dt: datetime
    business_date: date
    idempotency_key: str
    refs: MappingProxyType
    #: An optimistic entry's basis: the balance read of each person's account its amounts were decided on,
    #: those it takes nothing from included. Its write moves them only if they still hold these.
    read: MappingProxyType | None = None

    @property
    def guarded(self) -> tuple[Leg, ...]:
        """The legs on people's accounts (written first: the ledger's lock order)."""
        return tuple(leg for leg in self.legs if leg.guarded)

    @property
    def unguarded(self) -> tuple[Leg, ...]:
        """The legs on system accounts, by account id."""
        return tuple(leg for leg in self.legs if not leg.guarded)

    def columns(self) -> dict:
        """The entry's own columns (without id and hashes, which its place in the chain gives)."""
        return dict(self.refs, kind=self.kind, amount=self.amount, created_dt=self.created_dt,
                    business_date=self.business_date, idempotency_key=self.idempotency_key)

    def pairs(self) -> list[tuple[int, int]]:
        """(account, fen) of every leg, by account id: what the postings and the hash hold."""
        return [(leg.account, leg.fen) for leg in self.legs]


def _fen(value, what: str) -> int:
    if type(value) is not int or abs(value) > MAX_FEN:
        raise DomainError("invalid_amount", f"{what}: {str(value)[:24]}")
    return value


def _refused(reason: str):
    return DomainError("invalid_entry", reason)


def make_entry(kind: str, amount: int, legs, *, created_dt: datetime, business_date: date, idempotency_key: str,
               read: dict[int, int] | None = None, **refs) -> Entry:
    """The entry, checked; ``invalid_amount`` or ``invalid_entry`` (nothing written) when a rule is broken.

    `legs` are (account id, signed fen, guarded) triples; several on one account are merged into one, and a leg
    that comes to zero is left out (an optimistic entry still guards its account through `read`)."""
    if kind not in KINDS:
        raise _refused(f"kind {kind!r}")
    if _fen(amount, "amount") <= 0:
        raise DomainError("invalid_amount", f"amount: {amount}")
    merged: dict[int, list] = {}
    for account, fen, guarded in legs:
        if type(account) is not int or type(guarded) is not bool:
            raise _refused(f"leg {account!r}")
        leg = merged.setdefault(account, [0, guarded])
        if leg[1] != guarded:
            raise _refused(f"account {account} both guarded and not")
        leg[0] = _fen(leg[0] + _fen(fen, f"account {account}"), f"account {account}")
    kept = tuple(Leg(acc, fen, guarded) for acc, (fen, guarded) in sorted(merged.items()) if fen)
    if len(kept) < 2 or sum(leg.fen for leg in kept) != 0:
        raise _refused(f"{kind}: legs must be two or more and sum to zero: {[(g.account, g.fen) for g in kept]}")
    unknown = set(refs) - set(REFS)
    if unknown:
        raise _refused(f"unknown columns {sorted(unknown)}")
    if not isinstance(created_dt, datetime) or created_dt.tzinfo is None or type(business_date) is not date:
        raise _refused("created_dt must be an aware datetime and business_date a date")
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 200:
        raise _refused("idempotency key")
    for name, limit in (("memo", 200), ("method", 16)):
        value = refs.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit or "\x00" in value):
            raise _refused(f"{name}: text of at most {limit} characters without NUL")
    if read is not None:
        read = {acc: _fen(fen, f"balance of {acc}") for acc, fen in read.items()}
        guarded_accounts = {leg.account for leg in kept if leg.guarded}
        if not guarded_accounts <= set(read):
            raise _refused("an optimistic entry must have read every person's account it moves")
        for leg in kept:
            if leg.guarded and read[leg.account] + leg.fen < 0:
                raise DomainError("insufficient_balance")
        read = MappingProxyType(read)
    return Entry(kind, amount, kept, created_dt, business_date, idempotency_key,
                 MappingProxyType({name: refs.get(name) for name in REFS}), read)
