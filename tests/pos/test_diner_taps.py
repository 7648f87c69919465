"""Diner taps through the terminal's virtual reader reach the page's event stream, charged by the real server."""
from __future__ import annotations

from canteen.services.cards import find_card, report_loss
from tests.pos.sse_client import EventStream
from tests.pos.terminal import held


def test_a_tap_shows_the_diners_name_charge_and_balances_on_the_event_stream(canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        terminal.reader().tap(uid)
        tap, _ = events.wait_for("tap")
    assert tap["state"] == "ok"
    assert tap["headline"] == "扣款成功"
    assert tap["name"] == name
    assert (tap["amount"], tap["cash_left"], tap["subsidy_left"]) == (1000, 4000, 0)
    assert tap["sound"] == "ok"


def test_a_lost_card_is_refused_with_the_reason_in_plain_words(canteen, start_terminal):
    world, _, _ = canteen
    _, card = world.diner(cash=5000)
    report_loss(world.session, world.actor(world.cashier()), card=find_card(world.session, card.uid))
    _, uid = held(world, card.person, card)
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        terminal.reader().tap(uid)
        tap, _ = events.wait_for("tap")
    assert tap["state"] == "refused"
    assert (tap["code"], tap["headline"], tap["sound"]) == ("card_lost", "此卡已挂失", "lost")


def test_a_diner_without_enough_money_hears_insufficient_balance_and_is_not_charged(canteen, start_terminal):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=500))
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        terminal.reader().tap(uid)
        tap, _ = events.wait_for("tap")
    assert (tap["state"], tap["code"], tap["sound"]) == ("refused", "insufficient_balance", "insufficient")
    balances = terminal.till.client.get(f"/api/v1/cards/{uid}").body["balances"]
    assert balances["cash"] == 500


def test_unknown_random_and_garbled_cards_are_refused_without_a_charge(canteen, start_terminal):
    canteen[0].session.commit()
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        terminal.reader().tap("0BADCAFE")
        unknown, _ = events.wait_for("tap")
        terminal.reader().tap("08123456")
        random_uid, _ = events.wait_for("tap")
        terminal.reader().tap_answer(bytes.fromhex("6A82"))
        error_status, _ = events.wait_for("tap")
        terminal.reader().tap_answer(bytes.fromhex("0102039000"))
        short_uid, _ = events.wait_for("tap")
    assert (unknown["code"], unknown["headline"]) == ("unknown_card", "未登记的卡")
    assert random_uid["code"] == "random_uid" and random_uid["sound"] == "read_error"
    assert "随机卡号" in random_uid["message"]
    assert (error_status["code"], error_status["headline"]) == ("bad_status", "读卡失败")
    assert (short_uid["code"], short_uid["sound"]) == ("bad_uid_length", "read_error")
    assert terminal.till.client.get("/api/v1/terminal/entries").body["entries"] == []


def test_a_keyboard_wedge_burst_is_a_tap_and_garbage_is_refused(canteen, start_terminal):
    world, _, _ = canteen
    name, _ = held(world, *world.diner(cash=3000, uid="04A1B2C3"))
    terminal = start_terminal()
    headers = {"X-Requested-With": "pos"}
    with EventStream(terminal.url + "/events") as events:
        import requests

        assert requests.post(terminal.url + "/wedge", json={"burst": "3283263748"}, headers=headers).ok
        tap, _ = events.wait_for("tap")
        requests.post(terminal.url + "/wedge", json={"burst": "12ab"}, headers=headers)
        garbage, _ = events.wait_for("tap")
    assert (tap["state"], tap["name"], tap["cash_left"]) == ("ok", name, 2000)
    assert (garbage["state"], garbage["code"]) == ("refused", "not_card_number")


def test_health_of_reader_printer_and_server_reaches_the_page(canteen, start_terminal):
    canteen[0].session.commit()
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        health, _ = events.wait_for("health", lambda h: h["server"]["ok"] and h["reader"]["ok"]
                                    and h["printer"]["message"] != "检测中")
    assert health["printer"]["ok"] is None and health["printer"]["message"] == "未配置打印机"
    terminal.reader().unplug()
    with EventStream(terminal.url + "/events") as events:
        health, _ = events.wait_for("health", lambda h: h["reader"]["ok"] is False)
    assert "未检测到读卡器" in health["reader"]["message"]


def test_meal_receipts_are_off_by_default_and_print_when_switched_on(canteen, start_terminal, test_printer):
    from printers import decode_text

    world, _, _ = canteen
    _, quiet_uid = held(world, *world.diner(cash=5000))
    name, uid = held(world, *world.diner(cash=5000))
    quiet = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    with EventStream(quiet.url + "/events") as events:
        quiet.reader().tap(quiet_uid)
        events.wait_for("tap", lambda t: t["state"] == "ok")
    assert quiet.till.desk.jobs() == []
    quiet.stop()
    printing = start_terminal(CANTEEN_PRINTER_URL=test_printer.url, CANTEEN_TERMINAL_MEAL_RECEIPTS="1",
                              CANTEEN_TERMINAL_DATA_DIR=str(quiet.till.settings.data_dir))
    printing.reader().tap(uid)
    assert test_printer.wait_for_printed(1, timeout=15)
    text = decode_text(test_printer.printed[0])
    for expected in ("消费小票", name, uid, "全天", "￥10.00", "￥40.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"
