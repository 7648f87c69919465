"""Refunds above the threshold at the till: filed by the cashier, decided by a second operator (a manager)."""
from __future__ import annotations

from tests.pos.cashier_client import CashierAt
from tests.pos.test_cashier_money import printed_text, signed_in
from tests.pos.terminal import held
from tests.world import PASSWORD


def filed_refund(world, terminal, cash: int = 10_000) -> tuple[CashierAt, str, str, int]:
    """A cashier charges 90 yuan at the till and asks to refund 60 of it (above the 50 yuan threshold)."""
    name, uid = held(world, *world.diner(cash=cash))
    cashier = signed_in(world, terminal)
    charged = cashier.post("/charge", {"uid": uid, "amount": "90"})
    assert charged.status_code == 200, charged.text
    entry_id = charged.json()["result"]["entry"]["id"]
    asked = cashier.post("/refund", {"entry_id": entry_id, "amount": "60", "reason": "菜品售罄"})
    assert asked.status_code == 202, asked.text
    assert asked.json()["job"] is None
    return cashier, name, uid, asked.json()["result"]["request"]["id"]


def cash_of(terminal, uid: str) -> int:
    return terminal.till.client.get(f"/api/v1/cards/{uid}").body["balances"]["cash"]


def test_a_manager_approves_at_the_till_and_the_refund_prints_with_the_approver(canteen, start_terminal,
                                                                                test_printer):
    world, code, _ = canteen
    manager = world.operator("manager")
    manager_username, manager_name = manager.username, manager.name
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    cashier, name, uid, request_id = filed_refund(world, terminal)
    assert cash_of(terminal, uid) == 1000  # only requested: nothing moved yet

    listed = cashier.get("/refund-requests").json()["requests"]
    assert [(r["id"], r["person"], r["amount"], r["original_amount"], r["terminal"], r["reason"])
            for r in listed] == [(request_id, name, 6000, 9000, code, "菜品售罄")]

    own = cashier.post(f"/refund-requests/{request_id}/approve")  # the requester, and only a cashier
    assert (own.status_code, own.json()["error"]["code"]) == (403, "forbidden")
    wrong = cashier.post(f"/refund-requests/{request_id}/approve",
                         {"username": manager_username, "password": "not-the-password"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "bad_credentials")
    assert cash_of(terminal, uid) == 1000

    approved = cashier.post(f"/refund-requests/{request_id}/approve",
                            {"username": manager_username, "password": PASSWORD})
    assert approved.status_code == 201, approved.text
    assert approved.json()["result"]["entry"]["amount"] == 6000
    assert cash_of(terminal, uid) == 7000
    assert cashier.get("/refund-requests").json()["requests"] == []
    text = printed_text(test_printer, 2)  # the first is the charge's receipt
    for expected in ("退款凭条", name, "原流水号", "菜品售罄", "审批人", manager_name, "￥60.00", "￥70.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"

    again = cashier.post(f"/refund-requests/{request_id}/approve",
                         {"username": manager_username, "password": PASSWORD})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "request_decided")
    assert cash_of(terminal, uid) == 7000


def test_a_manager_cannot_approve_their_own_request_and_a_rejection_books_nothing(canteen, start_terminal):
    world, _, _ = canteen
    requester = world.operator("manager")
    requester_username = requester.username
    other = world.operator("manager").username
    terminal = start_terminal()
    name, uid = held(world, *world.diner(cash=10_000))
    manager_at_till = CashierAt(terminal.url)
    assert manager_at_till.login(requester_username).status_code == 302
    assert manager_at_till.post("/shift/open", {"opening_float": "0"}).status_code == 201
    entry_id = manager_at_till.post("/charge", {"uid": uid, "amount": "90"}).json()["result"]["entry"]["id"]
    request_id = manager_at_till.post("/refund", {"entry_id": entry_id, "amount": "90"}).json()["result"][
        "request"]["id"]

    own = manager_at_till.post(f"/refund-requests/{request_id}/approve")
    assert (own.status_code, own.json()["error"]["code"]) == (409, "self_approval")
    rejected = manager_at_till.post(f"/refund-requests/{request_id}/reject",
                                    {"username": other, "password": PASSWORD})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["result"]["request"]["state"] == "rejected" and rejected.json()["job"] is None
    assert cash_of(terminal, uid) == 1000
    assert manager_at_till.get("/refund-requests").json()["requests"] == []


def test_an_english_page_gets_the_refusal_in_english(canteen, start_terminal):
    world, _, _ = canteen
    terminal = start_terminal()
    cashier, _, _, request_id = filed_refund(world, terminal)
    cashier.http.get(terminal.url + "/lang/en", timeout=10)
    own = cashier.post(f"/refund-requests/{request_id}/approve")
    assert own.json()["error"] == {"code": "forbidden", "message": "Not allowed for this role"}
    empty = cashier.post(f"/refund-requests/{request_id}/approve", {"username": "someone"})
    assert empty.json()["error"]["message"] == "Enter the approver's password"
