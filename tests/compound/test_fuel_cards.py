"""Fuel cards as ledger accounts (一车一卡、一车一账): top-ups and spends are balanced journal entries,
a card never goes negative, a retried request books once, and the per-vehicle accounting uses them."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from canteen.compound.vehicles.fuel import add_station, card_balance, card_statement, open_card, spend_card, top_up_card
from canteen.compound.vehicles.fuel_models import FuelCard, FuelStation
from canteen.compound.vehicles.reports import vehicle_accounting
from canteen.compound.vehicles.services import add_cost, register_vehicle
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Account, JournalEntry, Posting
from canteen.services.verify import verify_ledger


def _car(plate="陕A10001"):
    return register_vehicle(db.session, plate=plate, vehicle_type="other", energy="gasoline", seats=5,
                            purchase_date=date(2020, 1, 1))


def _entry_sums():
    return dict(db.session.execute(select(Posting.entry_id, func.sum(Posting.amount)).group_by(Posting.entry_id)).all())


def test_top_up_and_spend_are_balanced_entries_and_the_ledger_verifies(app):
    s = db.session
    card = open_card(s, vehicle=_car(), card_no="9100001", opened_on=date(2026, 3, 1))
    station = add_station(s, name="中石化城东站")
    top = top_up_card(s, card=card, amount_fen=100_000, on=date(2026, 3, 1), key="topup-0001")
    spent = spend_card(s, card=card, station=station, amount_fen=35_050, on=date(2026, 3, 9),
                       volume_ml=10_000, key="spend-0001")
    s.commit()
    assert all(total == 0 for total in _entry_sums().values())
    assert {p.amount for p in top.entry.postings} == {100_000, -100_000}
    assert card_balance(s, card) == 100_000 - 35_050
    assert s.get(Account, station.account_id).balance == 35_050
    fund = s.scalar(select(Account).where(Account.code == "fuel_fund"))
    assert fund.balance == -100_000
    assert [r["balance"] for r in card_statement(s, card)] == [100_000, 64_950]
    assert spent.entry.kind == "fuel_spend" and not spent.replayed
    proof = verify_ledger(s)
    assert proof.ok, proof.problems


def test_a_spend_above_the_balance_is_refused_and_nothing_is_booked(app):
    s = db.session
    card = open_card(s, vehicle=_car(), card_no="9100002", opened_on=date(2026, 3, 1))
    station = add_station(s, name="中石油南站")
    top_up_card(s, card=card, amount_fen=10_000, on=date(2026, 3, 1), key="topup-0002")
    s.commit()
    entries = s.scalar(select(func.count()).select_from(JournalEntry))
    with pytest.raises(DomainError) as refused:
        spend_card(s, card=card, station=station, amount_fen=10_001, on=date(2026, 3, 2),
                       volume_ml=10_000, key="spend-0002")
    assert refused.value.code == "insufficient_balance"
    s.rollback()
    assert s.scalar(select(func.count()).select_from(JournalEntry)) == entries
    assert card_balance(s, card) == 10_000
    with pytest.raises(IntegrityError):  # the database refuses a negative card balance by itself too
        s.execute(text("UPDATE account SET balance = -1 WHERE id = :id"), {"id": card.account_id})
        s.flush()
    s.rollback()


def test_a_retried_request_books_once_and_a_different_body_under_its_key_is_refused(app):
    s = db.session
    card = open_card(s, vehicle=_car(), card_no="9100003", opened_on=date(2026, 3, 1))
    first = top_up_card(s, card=card, amount_fen=20_000, on=date(2026, 3, 1), key="topup-retry")
    s.commit()
    again = top_up_card(s, card=card, amount_fen=20_000, on=date(2026, 3, 1), key="topup-retry")
    assert again.replayed and again.entry.id == first.entry.id
    with pytest.raises(DomainError) as refused:
        top_up_card(s, card=card, amount_fen=30_000, on=date(2026, 3, 1), key="topup-retry")
    assert refused.value.code == "idempotency_conflict"
    assert card_balance(s, card) == 20_000
    assert s.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "fuel_top_up")) == 1


def test_one_card_per_vehicle_and_only_designated_stations(app):
    s = db.session
    car = _car()
    card = open_card(s, vehicle=car, card_no="9100004", opened_on=date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        open_card(s, vehicle=car, card_no="9100005", opened_on=date(2026, 3, 1))
    assert refused.value.code == "conflict"
    station = add_station(s, name="非定点站")
    station.designated = False
    top_up_card(s, card=card, amount_fen=5_000, on=date(2026, 3, 1), key="topup-0004")
    with pytest.raises(DomainError) as refused:
        spend_card(s, card=card, station=station, amount_fen=100, on=date(2026, 3, 1),
                       volume_ml=10_000, key="spend-0004")
    assert refused.value.code == "invalid_transition"
    assert s.scalar(select(func.count()).select_from(FuelCard)) == 1


def test_concurrent_spends_never_overdraw_a_card(app):
    s = db.session
    card_id = open_card(s, vehicle=_car(), card_no="9100006", opened_on=date(2026, 3, 1)).id
    station_id = add_station(s, name="并发站").id
    top_up_card(s, card=s.get(FuelCard, card_id), amount_fen=10_000, on=date(2026, 3, 1), key="topup-0006")
    s.commit()

    outcomes = [""] * 5
    barrier = threading.Barrier(5)

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                spend_card(db.session, card=db.session.get(FuelCard, card_id),
                           station=db.session.get(FuelStation, station_id), amount_fen=4_000, on=date(2026, 3, 2),
                           volume_ml=5_000, key=f"spend-race-{i}")
                db.session.commit()
                outcomes[i] = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcomes[i] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["insufficient_balance"] * 3 + ["ok"] * 2
    db.session.expire_all()
    assert card_balance(db.session, db.session.get(FuelCard, card_id)) == 2_000
    assert verify_ledger(db.session).ok


def test_the_per_vehicle_accounting_counts_each_cards_spends_in_their_months(app):
    s = db.session
    cars = [_car("陕A20001"), _car("陕A20002")]
    cards = [open_card(s, vehicle=c, card_no=f"92{i:05d}", opened_on=date(2026, 1, 1)) for i, c in enumerate(cars)]
    station = add_station(s, name="定点站")
    for i, card in enumerate(cards):
        top_up_card(s, card=card, amount_fen=500_000, on=date(2026, 1, 1), key=f"topup-acc-{i}")
    spends = [(0, date(2026, 1, 31), 12_345), (0, date(2026, 2, 1), 20_000), (1, date(2026, 2, 15), 7_700),
              (1, date(2026, 3, 1), 9_900)]
    for n, (i, on, fen) in enumerate(spends):
        spend_card(s, card=cards[i], station=station, amount_fen=fen, on=on,
                       volume_ml=10_000, key=f"spend-acc-{n}")
    add_cost(s, vehicle=cars[0], month=date(2026, 2, 1), item="repair", amount_fen=50_000)
    report = vehicle_accounting(s, date(2026, 1, 1), date(2026, 2, 28))
    rows = {r["plate"]: r for r in report.rows}
    assert rows["陕A20001"]["fuel_card"] == 12_345 + 20_000
    assert rows["陕A20002"]["fuel_card"] == 7_700
    assert rows["陕A20001"]["total"] == 12_345 + 20_000 + 50_000
    assert report.totals["fuel_card"] == sum(fen for _i, on, fen in spends if on < date(2026, 3, 1))
