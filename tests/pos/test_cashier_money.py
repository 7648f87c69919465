"""Cashier money operations at the terminal, against the real server, with receipts captured by a test printer."""
from __future__ import annotations

from printers import decode_text
from tests.pos.cashier_client import CashierAt
from tests.pos.sse_client import EventStream
from tests.pos.terminal import held


def signed_in(world, terminal, opening_float: str = "100") -> CashierAt:
    """A cashier signed in at the terminal with a shift open."""
    username = world.operator("cashier").username
    world.session.commit()
    cashier = CashierAt(terminal.url)
    assert cashier.login(username).status_code == 302
    assert cashier.post("/shift/open", {"opening_float": opening_float}).status_code == 201
    return cashier


def printed_text(printer, count: int) -> str:
    """The decoded text of the `count`-th receipt the printer printed."""
    assert printer.wait_for_printed(count, timeout=15), f"only {len(printer.printed)} receipts printed"
    return decode_text(printer.printed[count - 1])


def test_a_cash_top_up_books_the_money_and_prints_a_chinese_receipt(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=2000))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    reply = cashier.post("/top-up", {"uid": uid, "amount": "50", "method": "cash"})
    assert reply.status_code == 201, reply.text
    assert reply.json()["result"]["balances"]["cash"] == 7000
    text = printed_text(test_printer, 1)
    for expected in ("充值凭条", name, uid, "充值方式", "现金", "充值金额", "￥50.00", "现金余额", "￥70.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"
    close = cashier.post("/shift/close", {"counted_cash": "150"})
    assert close.status_code == 200, close.text
    assert close.json()["shift"]["expected_cash"] == 15000
    report = printed_text(test_printer, 2)
    for expected in ("交班报表", "充值", "1笔", "￥50.00", "应有现金", "实点现金", "￥150.00", "差额"):
        assert expected in report, f"{expected!r} missing from:\n{report}"


def test_a_printer_out_of_paper_leaves_the_payment_done_and_the_receipt_queued(canteen, start_terminal,
                                                                               test_printer):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=0))
    test_printer.set_paper("out")
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    reply = cashier.post("/top-up", {"uid": uid, "amount": "30.50", "method": "wechat"})
    assert reply.status_code == 201
    assert terminal.till.client.get(f"/api/v1/cards/{uid}").body["balances"]["cash"] == 3050
    job_id = reply.json()["job"]["id"]
    job = terminal.till.desk.queue.wait_for(job_id, lambda j: j.error_code == "paper_out", timeout=10)
    assert job.status == "queued" and "缺纸" in job.last_error
    listed = cashier.get("/receipts").json()["jobs"]
    assert [(j["id"], j["status"], j["waiting"]) for j in listed] == [(job_id, "queued", True)]
    assert test_printer.printed == []
    test_printer.set_paper("ok")
    assert cashier.post("/receipts/retry").ok
    assert "￥30.50" in printed_text(test_printer, 1)


def test_a_reprint_carries_the_copy_mark(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=0))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    job_id = cashier.post("/top-up", {"uid": uid, "amount": "8", "method": "alipay"}).json()["job"]["id"]
    original = printed_text(test_printer, 1)
    assert "副本" not in original
    copy = cashier.post(f"/receipts/{job_id}/reprint")
    assert copy.status_code == 201 and copy.json()["job"]["copy"] is True
    reprinted = printed_text(test_printer, 2)
    assert "副本" in reprinted and "￥8.00" in reprinted and "支付宝" in reprinted


def test_keyed_charge_and_its_refund_print_receipts_and_restore_the_balance(canteen, start_terminal, test_printer):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier = signed_in(world, terminal)
    charged = cashier.post("/charge", {"uid": uid, "amount": "12.5"})
    assert charged.status_code == 200, charged.text
    assert charged.json()["result"]["cash_left"] == 3750
    assert "消费小票" in printed_text(test_printer, 1) and "￥12.50" in printed_text(test_printer, 1)
    recent = cashier.get("/recent-charges").json()["entries"]
    assert [(e["amount"], e["name"]) for e in recent] == [(1250, name)]
    refunded = cashier.post("/refund", {"entry_id": recent[0]["id"], "amount": "12.50", "reason": "打错金额"})
    assert refunded.status_code == 201, refunded.text
    text = printed_text(test_printer, 2)
    for expected in ("退款凭条", name, "原流水号", str(recent[0]["id"]), "打错金额", "￥12.50", "￥50.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"


def test_in_cashier_mode_a_tap_fills_the_form_and_charges_nothing(canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    signed_in(world, terminal)
    with EventStream(terminal.url + "/events") as events:
        terminal.reader().tap(uid)
        card, _ = events.wait_for("card")
    assert card["known"] and card["person"]["name"] == name and card["balances"]["cash"] == 5000
    assert not [e for e in events.seen if e[0] == "tap"]


def test_a_printer_that_refuses_connections_shows_on_the_page_and_the_top_up_still_books(
        canteen, start_terminal, test_printer):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=0))
    test_printer.set_mode("refuse")
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url, CANTEEN_PRINTER_TIMEOUT="1")
    cashier = signed_in(world, terminal)
    with EventStream(terminal.url + "/events") as events:
        health, _ = events.wait_for("health", lambda h: h["printer"]["ok"] is False)
        assert "无法连接打印机" in health["printer"]["message"]
        reply = cashier.post("/top-up", {"uid": uid, "amount": "5", "method": "cash"})
        assert reply.status_code == 201
        job, _ = events.wait_for("receipt", lambda j: j["status"] == "queued" and "无法连接打印机" in j["state_text"])
    assert terminal.till.client.get(f"/api/v1/cards/{uid}").body["balances"]["cash"] == 500
    assert job["id"] == reply.json()["job"]["id"]
