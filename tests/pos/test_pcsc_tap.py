"""A tap through the real PC/SC stack: pcscd with vsmartcard-vpcd, our virtual card, the terminal, the server."""
from __future__ import annotations

from sqlalchemy import func, select

from canteen.models import JournalEntry
from cardreader.virtual_card import VirtualCard
from tests.cardreader.pcsc_stack import SLOT0_PORT, SLOT0_READER
from tests.pos.sse_client import EventStream
from tests.pos.terminal import held


def _meals(world) -> int:
    count = world.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))
    world.session.commit()
    return count


def pcsc_terminal(start_terminal):
    """A terminal watching vpcd's first slot, once its reader shows connected."""
    terminal = start_terminal(CANTEEN_CARD_READER="pcsc", CANTEEN_READER_PATTERN=SLOT0_READER)
    with EventStream(terminal.url + "/events") as events:
        events.wait_for("health", lambda h: h["reader"]["ok"] is True, timeout=15)
    return terminal


def test_a_virtual_card_tap_through_pcscd_charges_the_right_person_once(pcsc_stack, canteen, start_terminal):
    world, _, _ = canteen
    world.diner(cash=9000)  # someone else, who must not be charged
    name, uid = held(world, *world.diner(cash=5000, uid="04A1B2C3D4E5F6"))
    terminal = pcsc_terminal(start_terminal)
    with EventStream(terminal.url + "/events") as events:
        with VirtualCard(uid, port=SLOT0_PORT).on_reader():
            tap, _ = events.wait_for("tap", timeout=15)
    assert (tap["state"], tap["name"], tap["uid"], tap["cash_left"]) == ("ok", name, uid, 4000)
    assert _meals(world) == 1


def test_a_card_pulled_before_its_uid_is_read_charges_nothing(pcsc_stack, canteen, start_terminal):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=5000, uid="04A1B2C3D4E5F7"))
    terminal = pcsc_terminal(start_terminal)
    with EventStream(terminal.url + "/events") as events:
        with VirtualCard(uid, port=SLOT0_PORT, uid_answer="pull").on_reader():
            tap, _ = events.wait_for("tap", timeout=15)
    assert (tap["state"], tap["code"]) == ("refused", "card_removed_mid_read")
    assert "未扣款" in tap["message"]
    assert _meals(world) == 0


def test_the_page_shows_pcscd_going_away_and_taps_work_again_after_it_restarts(pcsc_stack, canteen,
                                                                                start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000, uid="04A1B2C3D4E5F8"))
    terminal = pcsc_terminal(start_terminal)
    with EventStream(terminal.url + "/events") as events:
        try:
            pcsc_stack.restart()
            down, _ = events.wait_for("health", lambda h: h["reader"]["ok"] is False, timeout=15)
            events.wait_for("health", lambda h: h["reader"]["ok"] is True, timeout=15)
        finally:
            pcsc_stack.ensure_running()
        with VirtualCard(uid, port=SLOT0_PORT).on_reader():
            tap, _ = events.wait_for("tap", timeout=15)
    assert "pcscd" in down["reader"]["message"] or "读卡器" in down["reader"]["message"]
    assert (tap["state"], tap["name"], tap["cash_left"]) == ("ok", name, 4000)
    assert _meals(world) == 1
