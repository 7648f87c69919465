"""Card lifecycle: issue (发卡), report loss (挂失), unfreeze (解挂), reissue (补卡).

A card is only a credential; money stays with the person. Cancellation (清退) is in
:mod:`canteen.services.cancel`.
"""
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import post_entry
from canteen.models import Card, CardEvent, JournalEntry, Person
from canteen.rules.cards import CHOICE_RANK, LIVE, OTHER_RANK, CardState, change, require_usable
from canteen.services.blacklist import note_card_change
from canteen.services.common import Actor, Rules, check_amount, normalise_uid, require_operator
from canteen.services.people import lock_active_person
from canteen.services.topup import money_in

#: How the cards one UID names are ordered, the card it means first (:data:`canteen.rules.cards.CHOICE_RANK`).
CARD_CHOICE = (case(*((Card.state == state, rank) for state, rank in CHOICE_RANK.items()), else_=OTHER_RANK),
               Card.id.desc())


@dataclass
class CardResult:
    """A card after an operation, and the entry that moved money with it, if any."""

    card: Card
    entry: JournalEntry | None = None


def find_card(session: Session, uid) -> Card:
    """The card a UID names: the live one if any, else the latest; ``unknown_card`` if none."""
    uid = normalise_uid(uid)
    card = session.scalar(
        select(Card).where(Card.uid == uid)
        .order_by(*CARD_CHOICE)
        .limit(1))
    if card is None:
        raise DomainError("unknown_card", uid)
    return card


def usable_card(session: Session, uid) -> Card:
    """A card that may pay: refused with the reason when lost, replaced or cancelled."""
    card = find_card(session, uid)
    require_usable(card.state, card.uid)
    return card


def _ensure_uid_free(session: Session, uid: str) -> None:
    live = session.scalar(select(Card.id).where(Card.uid == uid, Card.state.in_(LIVE)))
    if live is not None:
        raise DomainError("card_uid_in_use", uid)


def _locked(session: Session, card: Card) -> dict:
    """Serialise changes of a card behind its holder's row locks, then re-read its state.

    Loss, unfreeze, reissue and cancellation of one person's cards may race; whoever waits
    sees the winner's result instead of a stale state. Returns the person's locked accounts.
    """
    _, wallets = lock_active_person(session, card.person_id)
    session.refresh(card)
    return wallets


def record_card_event(session: Session, card: Card, kind: str, actor: Actor, entry=None, memo=None) -> None:
    """Write the card's history row and have its new state pushed to terminals after commit."""
    note_card_change(session, card.uid, card.state)
    session.add(CardEvent(card_id=card.id, kind=kind, operator_id=actor.operator.id if actor.operator else None,
                          entry_id=entry.id if entry else None, created_dt=actor.at, memo=memo))


def issue_card(
    session: Session, actor: Actor, rules: Rules, *, person: Person, uid, printed_no: str | None = None,
    deposit=0, top_up=0, method: str = "cash",
) -> CardResult:
    """Give a person their card, taking an optional deposit (押金) and opening top-up in one entry."""
    require_operator(actor, "cashier", "manager", "admin")
    uid = normalise_uid(uid)
    deposit, top_up = check_amount(deposit, rules, allow_zero=True), check_amount(top_up, rules, allow_zero=True)
    if deposit + top_up > rules.max_amount_fen:
        raise DomainError("invalid_amount", f"{deposit + top_up}")
    person, wallets = lock_active_person(session, person.id)
    _ensure_uid_free(session, uid)
    if session.scalar(select(Card.id).where(Card.person_id == person.id, Card.state.in_(("active", "lost")))):
        raise DomainError("person_has_card")
    card = Card(uid=uid, printed_no=printed_no, person_id=person.id, state=CardState.ACTIVE, deposit=deposit,
                issued_dt=actor.at)
    session.add(card)
    session.flush()
    entry = None
    if deposit + top_up:
        source = money_in(session, actor, method)
        entry = post_entry(
            session, kind="card_issue", amount=deposit + top_up, method=method,
            postings=[(wallets["deposit"], deposit), (wallets["cash"], top_up),
                      (source.account, -(deposit + top_up))],
            created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
            idempotency_key=actor.key, person_id=person.id, card_id=card.id, shift_id=source.shift_id,
            **actor.refs,
        ).entry
    record_card_event(session, card, "issued", actor, entry)
    session.flush()
    return CardResult(card, entry)


def report_loss(session: Session, actor: Actor, *, card: Card) -> CardResult:
    """Mark an active card lost (挂失): every terminal refuses it from now on."""
    if actor.operator is not None:
        require_operator(actor, "cashier", "manager", "admin")
    _locked(session, card)
    require_usable(card.state, card.uid)
    card.state = change(card.state, CardState.LOST, card.uid)
    record_card_event(session, card, "lost", actor)
    session.flush()
    return CardResult(card)


def unfreeze(session: Session, actor: Actor, *, card: Card) -> CardResult:
    """Make a lost card usable again (解挂), e.g. when it turned up."""
    require_operator(actor, "cashier", "manager", "admin")
    _locked(session, card)
    card.state = change(card.state, CardState.ACTIVE, card.uid)
    record_card_event(session, card, "unfrozen", actor)
    session.flush()
    return CardResult(card)


def reissue_card(
    session: Session, actor: Actor, rules: Rules, *, card: Card, new_uid, printed_no: str | None = None,
    fee=0, fee_method: str = "cash",
) -> CardResult:
    """Replace a card (补卡): the old one is refused everywhere, the balance stays with the person.

    The deposit moves to the new card. An optional fee (工本费) is paid in `fee_method`, or taken
    from the cash wallet when `fee_method` is ``wallet``.
    """
    require_operator(actor, "cashier", "manager", "admin")
    new_uid = normalise_uid(new_uid)
    fee = check_amount(fee, rules, allow_zero=True)
    wallets = _locked(session, card)
    person = card.person
    card.state = change(card.state, CardState.REPLACED, card.uid)
    _ensure_uid_free(session, new_uid)
    session.flush()
    new = Card(uid=new_uid, printed_no=printed_no, person_id=person.id, state=CardState.ACTIVE, deposit=card.deposit,
               issued_dt=actor.at, replaces_id=card.id)
    session.add(new)
    session.flush()
    entry = None
    if fee:
        if fee_method == "wallet":
            payer, shift_id = wallets["cash"], None
        else:
            source = money_in(session, actor, fee_method)
            payer, shift_id = source.account, source.shift_id
        entry = post_entry(
            session, kind="card_fee", amount=fee, method=fee_method,
            postings=[(payer, -fee), (system_account(session, "fee_revenue"), fee)],
            created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
            idempotency_key=actor.key, person_id=person.id, card_id=new.id, shift_id=shift_id, **actor.refs,
        ).entry
    record_card_event(session, card, "replaced", actor, memo=f"→ {new_uid}")
    record_card_event(session, new, "issued", actor, entry, memo=f"补卡 ← {card.uid}")
    session.flush()
    return CardResult(new, entry)
