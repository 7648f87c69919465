"""A guest meal ticket scanned at the till (QR scanner typing GT1-...): accepted once, then refused."""
from __future__ import annotations

from datetime import datetime

import requests

from canteen.services.guest_meals import ticket_code
from tests.canteen.test_guest_meals import SECRET, TZ, approved, period_all_day
from tests.pos.sse_client import EventStream

POS = {"X-Requested-With": "pos"}


def test_a_scanned_ticket_is_accepted_once_and_shown_like_a_tap(canteen, start_terminal):
    world, _, _ = canteen
    request, department = approved(world, meal=period_all_day(), when=datetime.now(TZ))
    code, name = ticket_code(request.tickets[0], SECRET), department.name
    world.session.commit()
    terminal = start_terminal()
    with EventStream(terminal.url + "/events") as events:
        first = requests.post(terminal.url + "/guest-ticket", json={"code": code.lower()}, headers=POS, timeout=30)
        shown, _ = events.wait_for("tap")
    assert first.json()["state"] == "ok", first.json()
    assert shown["state"] == "ok" and shown["guest"] is True
    assert shown["headline"] == "接待用餐" and shown["name"] == name and shown["amount"] == 1000
    again = requests.post(terminal.url + "/guest-ticket", json={"code": code}, headers=POS, timeout=30).json()
    assert (again["state"], again["code"], again["headline"]) == ("refused", "ticket_used", "餐券已使用")
    forged = requests.post(terminal.url + "/guest-ticket", json={"code": code[:-3] + "AAA"}, headers=POS,
                           timeout=30).json()
    assert (forged["state"], forged["code"]) == ("refused", "ticket_unknown")
    assert requests.post(terminal.url + "/guest-ticket", json={"code": code}, timeout=30).status_code == 403
