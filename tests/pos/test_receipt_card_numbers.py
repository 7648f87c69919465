"""Every receipt prints the number printed on the card, never its UID when it has one: top-up, keyed charge,
refund, loss, reissue (old and new card) and cancellation read the same number."""
from __future__ import annotations

from tests.pos.test_cashier_money import printed_text, signed_in


def test_every_kind_of_receipt_prints_the_printed_card_number(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    person, card = world.diner(cash=5000)
    card.printed_no = "NO.000123"
    uid, person_id = card.uid, person.id
    world.session.commit()
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    assert cashier.post("/top-up", {"uid": uid, "amount": "10", "method": "cash"}).status_code == 201
    assert cashier.post("/top-up", {"person_id": person_id, "amount": "10", "method": "cash"}).status_code == 201
    charged = cashier.post("/charge", {"uid": uid, "amount": "8"})
    assert charged.status_code == 200, charged.text
    refund = cashier.post("/refund", {"entry_id": charged.json()["result"]["entry"]["id"], "amount": "8"})
    assert refund.status_code == 201, refund.text
    assert cashier.post(f"/cards/{uid}/loss").status_code == 200
    assert cashier.post(f"/cards/{uid}/reissue", {"new_uid": "04BEEF02", "fee": "0"}).status_code == 201
    texts = [printed_text(test_printer, n) for n in range(1, 7)]
    titles = ["充值凭条", "充值凭条", "消费小票", "退款凭条", "挂失凭条", "补卡凭条"]
    for title, text in zip(titles, texts):
        assert title in text, text
        assert "NO.000123" in text, f"{title} without the printed number:\n{text}"
        assert uid not in text, f"{title} prints the UID:\n{text}"
