"""Fuel cards as ledger accounts (一车一卡、一车一账).

Each vehicle has at most one fuel card, and each card is an account of the canteen's double-entry
ledger (kind ``fuel_card``, code ``fuel_card:<vehicle id>``). A top-up moves money from the fuel
fund (``fuel_fund``) onto the card; a spend moves it from the card to a designated station's
account (``fuel_station:<id>``). Both are journal entries booked through
:func:`canteen.ledger.booking.post_entry`, with an idempotency key, so a retried request books
once. A card never goes below zero: its account row is locked and checked before the spend, and a
CHECK constraint on the account table refuses it too.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.common import quantity, text
from canteen.compound.vehicles.fuel_models import FuelCard, FuelStation, FuelVolume
from canteen.compound.vehicles.models import Vehicle
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import post_entry
from canteen.money import yuan_sign
from canteen.models import Account, JournalEntry, Posting, utcnow

FUND = "fuel_fund"


@dataclass
class FuelBooking:
    """A booked top-up or spend, and whether it is the replay of an earlier request."""

    entry: JournalEntry
    replayed: bool


def add_station(session: Session, *, name: str, address: str | None = None) -> FuelStation:
    """A designated station with its own ledger account."""
    name = text(name, "加油站")
    if session.scalar(select(FuelStation.id).where(FuelStation.name == name)):
        raise DomainError("conflict", f"加油站 {name} 已登记")
    account = Account(kind="fuel_station", balance=0)
    session.add(account)
    session.flush()
    account.code = f"fuel_station:{account.id}"
    station = FuelStation(name=name, address=text(address, "地址", limit=200, required=False), account_id=account.id)
    session.add(station)
    session.flush()
    return station


def open_card(session: Session, *, vehicle: Vehicle, card_no: str, opened_on: date) -> FuelCard:
    """Issue a vehicle its fuel card: refused for a disposed vehicle or one that already has a card."""
    card_no = text(card_no, "卡号", limit=32)
    if vehicle.state == "disposed":
        raise DomainError("vehicle_disposed", vehicle.plate)
    if session.scalar(select(FuelCard.id).where(FuelCard.vehicle_id == vehicle.id)):
        raise DomainError("conflict", f"{vehicle.plate} 已有加油卡（一车一卡）")
    if session.scalar(select(FuelCard.id).where(FuelCard.card_no == card_no)):
        raise DomainError("conflict", f"卡号 {card_no} 已使用")
    account = Account(kind="fuel_card", code=f"fuel_card:{vehicle.id}", balance=0)
    session.add(account)
    session.flush()
    card = FuelCard(vehicle_id=vehicle.id, card_no=card_no, account_id=account.id, opened_on=opened_on)
    session.add(card)
    session.flush()
    return card


def _replay(session: Session, key: str, kind: str, amount: int, legs: dict[int, int]) -> FuelBooking | None:
    """The entry booked earlier under `key`, if the request is the same; a different body is refused."""
    entry = session.scalar(select(JournalEntry).where(JournalEntry.idempotency_key == key))
    if entry is None:
        return None
    booked = {p.account_id: p.amount for p in entry.postings}
    if entry.kind != kind or entry.amount != amount or booked != legs:
        raise DomainError("idempotency_conflict", key[:60])
    return FuelBooking(entry, True)


def _key(key: str) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 100:
        raise DomainError("idempotency_key_missing")
    return f"fuel:{key}"


def top_up_card(session: Session, *, card: FuelCard, amount_fen: int, on: date, key: str,
                operator_id: int | None = None) -> FuelBooking:
    """Load money onto a vehicle's card from the fuel fund (充值)."""
    quantity(amount_fen, "充值金额", positive=True)
    key = _key(key)
    fund = system_account(session, FUND)
    found = _replay(session, key, "fuel_top_up", amount_fen, {fund.id: -amount_fen, card.account_id: amount_fen})
    if found:
        return found
    if card.vehicle.state == "disposed":
        raise DomainError("vehicle_disposed", card.vehicle.plate)
    booked = post_entry(session, kind="fuel_top_up", amount=amount_fen,
                        postings=[(fund, -amount_fen), (card.account, amount_fen)], created_dt=utcnow(),
                        business_date=on, idempotency_key=key, method="fund", operator_id=operator_id,
                        memo=f"加油卡充值 {card.vehicle.plate}")
    return FuelBooking(booked.entry, False)


#: The vehicle's energy -> the fuel a spend buys (综合能耗 counts its litres); others buy no litres.
FUELS = {"gasoline": "petrol", "hybrid": "petrol", "diesel": "diesel"}


def spend_card(session: Session, *, card: FuelCard, station: FuelStation, amount_fen: int, on: date, key: str,
               operator_id: int | None = None, volume_ml: int | None = None) -> FuelBooking:
    """Pay for fuel with the card at a designated station (定点加油); never below the card's balance.

    A petrol or diesel car's spend records the litres bought (`volume_ml`, required): 综合能耗 counts them.
    """
    quantity(amount_fen, "加油金额", positive=True)
    fuel = FUELS.get(card.vehicle.energy)
    if volume_ml is not None:
        quantity(volume_ml, "加油量", positive=True)
    key = _key(key)
    found = _replay(session, key, "fuel_spend", amount_fen,
                    {card.account_id: -amount_fen, station.account_id: amount_fen})
    if found:
        return found
    if not station.designated:
        raise DomainError("invalid_transition", f"{station.name} 不是定点加油站")
    if fuel is not None and volume_ml is None:
        raise DomainError("invalid_input", "请填写加油量（升）：综合能耗按升数折算")
    # The card's row lock orders concurrent spends of one card; the balance is read under it.
    account = session.scalars(select(Account).where(Account.id == card.account_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
    if account.balance < amount_fen:
        raise DomainError("insufficient_balance", f"{card.vehicle.plate} 卡余额 {yuan_sign(account.balance)}")
    station_account = session.get(Account, station.account_id)
    booked = post_entry(session, kind="fuel_spend", amount=amount_fen,
                        postings=[(account, -amount_fen), (station_account, amount_fen)], created_dt=utcnow(),
                        business_date=on, idempotency_key=key, method="wallet", operator_id=operator_id,
                        memo=f"加油 {card.vehicle.plate} {station.name}"[:200])
    if fuel is not None:
        session.add(FuelVolume(entry_id=booked.entry.id, fuel=fuel, volume_ml=volume_ml))
        session.flush()
    return FuelBooking(booked.entry, False)


def fuel_volumes(session: Session, start: date, end: date) -> dict[str, int]:
    """Millilitres of petrol and diesel bought with fuel cards in business dates `start`..`end`."""
    rows = session.execute(select(FuelVolume.fuel, func.coalesce(func.sum(FuelVolume.volume_ml), 0))
                           .join(JournalEntry, JournalEntry.id == FuelVolume.entry_id)
                           .where(JournalEntry.business_date >= start, JournalEntry.business_date <= end)
                           .group_by(FuelVolume.fuel)).all()
    found = {fuel: int(ml) for fuel, ml in rows}
    return {"petrol": found.get("petrol", 0), "diesel": found.get("diesel", 0)}


def card_balance(session: Session, card: FuelCard) -> int:
    """The card's balance in fen (the cached balance, proven by ``canteen ledger verify``)."""
    return session.scalar(select(Account.balance).where(Account.id == card.account_id))


def card_statement(session: Session, card: FuelCard) -> list[dict]:
    """Every top-up and spend of the card, oldest first, with the running balance (一车一账)."""
    rows, running = [], 0
    for entry, amount in session.execute(
            select(JournalEntry, Posting.amount).join(Posting, Posting.entry_id == JournalEntry.id)
            .where(Posting.account_id == card.account_id).order_by(JournalEntry.id)).all():
        running += amount
        rows.append({"entry_id": entry.id, "date": entry.business_date, "kind": entry.kind, "amount": amount,
                     "balance": running, "memo": entry.memo or ""})
    return rows


def card_spend(session: Session, start: date, end: date) -> dict[int, int]:
    """Vehicle id -> fen spent with its card on business dates from `start` to `end` (inclusive)."""
    spent: dict[int, int] = {}
    for vehicle_id, amount in session.execute(
            select(FuelCard.vehicle_id, Posting.amount).join(Posting, Posting.account_id == FuelCard.account_id)
            .join(JournalEntry, JournalEntry.id == Posting.entry_id)
            .where(JournalEntry.kind == "fuel_spend", JournalEntry.business_date >= start,
                   JournalEntry.business_date <= end)).all():
        spent[vehicle_id] = spent.get(vehicle_id, 0) - amount
    return spent
