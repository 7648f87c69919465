"""One definition of a diner's refusal words (canteen.rules.refusals): the server's answer carries them, in the
asked language, with amounts in yuan and the masked name; the till's event says the same."""
from __future__ import annotations

from canteen.rules import refusals
from pos import outcomes


def test_the_servers_refusal_says_what_happened_nothing_charged_and_what_to_do_in_yuan(world, client):
    world.all_day_meal(price=999)
    terminal, key = world.terminal()
    person, card = world.diner(cash=490)
    person.name = "王小明"
    uid = card.uid
    world.session.commit()
    chinese = client.post("/api/v1/taps", json={"uid": uid}, headers=world.headers(terminal, key))
    assert chinese.status_code == 402
    error = chinese.json["error"]
    assert error["text"] == "余额不足：本餐 ￥9.99，余额 ￥4.90，未扣款，请到收银台充值。"
    assert (error["code"], error["name"], error["price"], error["balance"]) == ("insufficient_balance", "王*明", 999,
                                                                                490)
    english = client.post("/api/v1/taps", json={"uid": uid},
                          headers=world.headers(terminal, key) | {"Accept-Language": "en"})
    assert english.json["error"]["text"] == ("Not enough money: this meal is ￥9.99, the balance is ￥4.90. Nothing "
                                             "was charged. Please top up at the cashier.")
    event = outcomes.refused("insufficient_balance", error["message"], seen=1.0, uid=uid, data=error)
    assert (event["message"], event["name"]) == (error["text"], "王*明")


def test_names_are_masked_for_the_queue():
    assert [refusals.mask_name(n) for n in ("王小明", "王明", "欧阳小明", "王", "", None)] == [
        "王*明", "王*", "欧**明", "王", "", ""]


def test_every_refusal_says_nothing_was_charged_in_both_languages():
    for code, words in refusals.REFUSALS.items():
        if code == "server_unreachable":  # the one case where nobody can know
            assert "无法确认" in words.zh
            continue
        assert "未扣款" in words.zh or "未记账" in words.zh, code
        assert "Nothing was" in words.en, code
