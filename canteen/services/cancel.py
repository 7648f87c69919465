"""Cancellation (清退): a person leaves; cash balance and deposit are paid out, subsidy goes back.

What the person owes for offline meals (their receivable) is deducted from the cash and deposit first;
what those do not cover stays owed and listed with the offline exceptions
(:func:`canteen.services.offline_debt.outstanding`).
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.ledger.accounts import person_accounts, system_account
from canteen.ledger.booking import post_entry
from canteen.models import Card, JournalEntry, Person
from canteen.rules.cards import LIVE, CardState, change
from canteen.services.cards import record_card_event
from canteen.services.common import Actor, Rules, require_operator, require_shift
from canteen.services.offline_debt import owed, owed_account
from canteen.services.people import lock_active_person


@dataclass
class Cancellation:
    """What a cancellation paid out and returned, for the cashier and the receipt."""

    person: Person
    cash_paid: int
    deposit_paid: int
    subsidy_returned: int
    cards: list[Card]
    entry: JournalEntry | None
    #: Offline debt deducted from the cash and deposit, and what is still owed after.
    debt_settled: int = 0
    debt_left: int = 0

    @property
    def total_paid(self) -> int:
        """Cash handed to the diner: balance plus deposit."""
        return self.cash_paid + self.deposit_paid


def cancel_quote(session: Session, person: Person) -> dict[str, int]:
    """What cancelling would pay out now (shown to the cashier before confirming): the wallets, the offline debt
    deducted from cash and deposit, the cash handed over and the debt that stays owed."""
    wallets = person_accounts(session, person.id, lock=False)
    cash, deposit = wallets["cash"].balance, wallets["deposit"].balance
    debt = owed(owed_account(session, person.id))
    settled = min(debt, cash + deposit)
    return {"cash": cash, "deposit": deposit, "subsidy": wallets["subsidy"].balance, "owed": debt,
            "debt_settled": settled, "paid_out": cash + deposit - settled, "debt_left": debt - settled}


def cancel_card(session: Session, actor: Actor, rules: Rules, *, person: Person) -> Cancellation:
    """Cancel all the person's cards, pay cash and deposit out of the cashier's drawer, return subsidy."""
    require_operator(actor, "cashier", "manager", "admin")
    shift = require_shift(session, actor)
    person, wallets = lock_active_person(session, person.id)
    cash, deposit, subsidy = (wallets[k].balance for k in ("cash", "deposit", "subsidy"))
    cards = list(session.scalars(
        select(Card).where(Card.person_id == person.id, Card.state.in_(LIVE))))
    if not cards and not (cash or deposit or subsidy):
        raise DomainError("nothing_to_pay")
    receivable = owed_account(session, person.id)
    debt = owed(receivable)
    settled = min(debt, cash + deposit)
    entry = None
    if cash or deposit or subsidy:
        entry = post_entry(
            session, kind="cancel", amount=cash + deposit + subsidy, method="cash",
            postings=[
                (wallets["cash"], -cash), (wallets["deposit"], -deposit), (wallets["subsidy"], -subsidy),
                (system_account(session, f"drawer:{shift.id}"), cash + deposit - settled),
                (system_account(session, "subsidy_fund"), subsidy),
            ] + ([(receivable, settled)] if settled else []),
            created_dt=actor.at, business_date=business_date(actor.at, rules.timezone),
            idempotency_key=actor.key, person_id=person.id, shift_id=shift.id,
            card_id=cards[0].id if cards else None, **actor.refs,
        ).entry
    for card in cards:
        card.state = change(card.state, CardState.CANCELLED, card.uid)
        record_card_event(session, card, "cancelled", actor, entry)
    person.state = "cancelled"
    session.flush()
    from_cash = min(settled, cash)
    return Cancellation(person, cash - from_cash, deposit - (settled - from_cash), subsidy, cards, entry,
                        debt_settled=settled, debt_left=debt - settled)
