"""Card operations at the terminal: issue, loss, unfreeze, reissue and cancel, each with its receipt."""
from __future__ import annotations

from tests.pos.cashier_client import CashierAt
from tests.pos.terminal import held
from tests.pos.test_cashier_money import printed_text, signed_in


def test_a_new_card_is_issued_to_a_person_found_by_staff_number(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    person = world.person(name="李四")
    staff_no, person_id = person.staff_no, person.id
    world.session.commit()
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    found = cashier.get("/people", q=staff_no).json()["people"]
    assert [(p["id"], p["name"]) for p in found] == [(person_id, "李四")]
    issued = cashier.post("/cards/issue", {"person_id": person_id, "uid": "04C0FFEE", "deposit": "20",
                                           "top_up": "100"})
    assert issued.status_code == 201, issued.text
    assert issued.json()["result"]["balances"] == {"cash": 10000, "subsidy": 0, "deposit": 2000, "spendable": 10000}
    assert terminal.till.client.get("/api/v1/cards/04C0FFEE").body["person"]["name"] == "李四"
    text = printed_text(test_printer, 1)
    for expected in ("发卡凭条", "李四", staff_no, "04C0FFEE", "押金", "￥20.00", "首次充值", "￥100.00",
                     "合计收取", "￥120.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"


def test_loss_unfreeze_and_reissue_follow_the_card(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=4200))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    lost = cashier.post(f"/cards/{uid}/loss")
    assert lost.status_code == 200 and lost.json()["result"]["card"]["state"] == "lost"
    loss_text = printed_text(test_printer, 1)
    assert "挂失凭条" in loss_text and "已挂失" in loss_text and "￥42.00" in loss_text
    again = cashier.post(f"/cards/{uid}/loss")
    assert again.status_code == 409 and again.json()["error"]["code"] == "card_lost"
    unfrozen = cashier.post(f"/cards/{uid}/unfreeze")
    assert unfrozen.json()["result"]["card"]["state"] == "active"
    cashier.post(f"/cards/{uid}/loss")
    reissued = cashier.post(f"/cards/{uid}/reissue", {"new_uid": "04BEEF01", "fee": "5"})
    assert reissued.status_code == 201, reissued.text
    assert reissued.json()["result"]["balances"]["cash"] == 4200
    text = printed_text(test_printer, 3)
    for expected in ("补卡凭条", name, uid, "04BEEF01", "补卡工本费", "￥5.00", "￥42.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"
    old = terminal.till.client.get(f"/api/v1/cards/{uid}").body["card"]["state"]
    assert old == "replaced"


def test_cancelling_shows_the_cash_to_pay_out_before_it_is_booked(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    person, card = world.diner(cash=3300, deposit=2000)
    person_id, name, uid = person.id, person.name, card.uid
    world.session.commit()
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    quote = cashier.get(f"/people/{person_id}/cancel-quote").json()
    assert (quote["cash"], quote["deposit"], quote["cash_to_pay"]) == (3300, 2000, 5300)
    assert terminal.till.client.get(f"/api/v1/cards/{uid}").body["card"]["state"] == "active"
    done = cashier.post(f"/people/{person_id}/cancel")
    assert done.status_code == 200, done.text
    assert done.json()["result"]["total_paid"] == 5300 and "￥53.00" in done.json()["message"]
    text = printed_text(test_printer, 1)
    for expected in ("清退凭条", name, "退还余额", "￥33.00", "退还押金", "￥20.00", "合计退还现金", "￥53.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"


def test_a_cashier_with_a_wrong_password_stays_out(canteen, start_terminal):
    world, _, _ = canteen
    username = world.operator("cashier").username
    world.session.commit()
    cashier = CashierAt(start_terminal().url)
    refused = cashier.login(username, "wrong-password")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.text
    assert cashier.post("/top-up", {"uid": "04C0FFEE", "amount": "1"}).status_code == 401
