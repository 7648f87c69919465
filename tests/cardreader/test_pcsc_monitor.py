"""The PC/SC monitor through a real pcscd, the vsmartcard-vpcd driver and our virtual card."""
import time

import pytest

from cardreader.errors import (BAD_RESPONSE, BAD_STATUS, BAD_UID_LENGTH, CARD_REMOVED_MID_READ, RANDOM_UID)
from cardreader.events import ABSENT, CONNECTED, PCSCD_DOWN, CardError, CardPresented, CardRemoved, ReaderState
from cardreader.virtual_card import VirtualCard
from tests.cardreader.pcsc_stack import SLOT0_PORT, SLOT0_READER, SLOT1_PORT, SLOT1_READER

#: The terminal must be back within 5 s of pcscd or the reader returning (issue 3, point 5).
RECOVERY_S = 5.0
#: Bound on waiting for an outcome that must come (pcscd polls vpcd every 0.4 s; stopping it takes ~2 s).
WAIT_S = 15.0


def state(expected, name=None):
    return lambda e: isinstance(e, ReaderState) and e.state == expected and (name is None or e.name == name)


def presented(e):
    return isinstance(e, CardPresented)


def card_error(e):
    return isinstance(e, CardError)


def removed(e):
    return isinstance(e, CardRemoved)


def tap_and_wait(log, card, until, after=0):
    """Put `card` on the reader until the event `until` arrives, take it off, wait for the removal."""
    with card.on_reader():
        index = log.wait_for(until, "the card's event", WAIT_S, after)
    log.wait_for(removed, "the card's removal", WAIT_S, index)
    return index


def test_a_tap_yields_the_right_uid_once(start_monitor):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED, SLOT0_READER), "reader connected")
    put_on = time.monotonic()
    tap_and_wait(log, VirtualCard("04A1B2C3D4E5F6", port=SLOT0_PORT), presented)
    taps = log.of_type(CardPresented)
    assert [(t.uid, t.reader) for t in taps] == [("04A1B2C3D4E5F6", SLOT0_READER)]
    assert not log.of_type(CardError)
    # Stamped when pcscd reported the card, i.e. after it was put on and before it was taken off.
    assert put_on <= taps[0].monotonic <= log.of_type(CardRemoved)[0].monotonic


def test_a_card_pulled_mid_read_yields_an_error_and_no_uid(start_monitor):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED), "reader connected")
    card = VirtualCard("04A1B2C3D4E5F6", port=SLOT0_PORT, uid_answer="pull")
    tap_and_wait(log, card, card_error)
    assert card.uid_requests == 1 and card.gone.is_set()  # the card really left while its UID was being read
    errors = log.of_type(CardError)
    assert [e.code for e in errors] == [CARD_REMOVED_MID_READ]
    assert "未扣款" in errors[0].message and errors[0].reader == SLOT0_READER
    assert not log.of_type(CardPresented)


@pytest.mark.parametrize("uid, answer, code", [
    ("04A1B2C3D4E5F6", "garbage", BAD_RESPONSE),
    ("04A1B2C3D4E5F6", "error", BAD_STATUS),
    ("04A1B2C3D4", "uid", BAD_UID_LENGTH),
    ("08A1B2C3", "uid", RANDOM_UID),
])
def test_a_bad_card_is_refused_with_its_reason_and_no_uid(start_monitor, uid, answer, code):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED), "reader connected")
    tap_and_wait(log, VirtualCard(uid, port=SLOT0_PORT, uid_answer=answer), card_error)
    assert [e.code for e in log.of_type(CardError)] == [code]
    assert not log.of_type(CardPresented)


def test_after_a_refused_card_the_next_good_card_is_read(start_monitor):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED), "reader connected")
    after = tap_and_wait(log, VirtualCard("04A1B2C3", port=SLOT0_PORT, uid_answer="garbage"), card_error)
    tap_and_wait(log, VirtualCard("04A1B2C4", port=SLOT0_PORT), presented, after + 1)
    assert [t.uid for t in log.of_type(CardPresented)] == ["04A1B2C4"]


def test_pcscd_restarted_is_reported_and_the_monitor_recovers(pcsc_stack, start_monitor):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED), "reader connected")
    try:
        pcsc_stack.restart()
    finally:
        pcsc_stack.ensure_running()
    down = log.wait_for(state(PCSCD_DOWN), "pcscd_down state", WAIT_S)
    assert "pcscd" in log.events[down].message
    back = log.wait_for(state(CONNECTED, SLOT0_READER), "recovery after pcscd restart", RECOVERY_S, down)
    tap_and_wait(log, VirtualCard("04A1B2C3D4E5F6", port=SLOT0_PORT), presented, back)
    assert [t.uid for t in log.of_type(CardPresented)] == ["04A1B2C3D4E5F6"]


def test_a_monitor_started_while_pcscd_is_down_connects_when_it_comes_up(pcsc_stack, start_monitor):
    try:
        pcsc_stack.stop()
        monitor, log = start_monitor(SLOT0_READER)
        down = log.wait_for(state(PCSCD_DOWN), "pcscd_down state", WAIT_S)
        assert monitor.running
    finally:
        pcsc_stack.ensure_running()
    log.wait_for(state(CONNECTED, SLOT0_READER), "connection once pcscd is up", RECOVERY_S, down)


def test_the_reader_is_chosen_by_name_pattern(start_monitor):
    slot0, log0 = start_monitor(r"virtual pcd 0+ 00$")   # a regex
    slot1, log1 = start_monitor("pcd 00 01")              # a substring, any case
    log0.wait_for(state(CONNECTED, SLOT0_READER), "slot 0 reader connected")
    log1.wait_for(state(CONNECTED, SLOT1_READER), "slot 1 reader connected")
    tap_and_wait(log0, VirtualCard("04000000000001", port=SLOT0_PORT), presented)
    tap_and_wait(log1, VirtualCard("04000000000002", port=SLOT1_PORT), presented)
    assert [(t.uid, t.reader) for t in log0.of_type(CardPresented)] == [("04000000000001", SLOT0_READER)]
    assert [(t.uid, t.reader) for t in log1.of_type(CardPresented)] == [("04000000000002", SLOT1_READER)]


def test_a_pattern_matching_no_reader_reports_the_reader_absent(start_monitor):
    monitor, log = start_monitor("Identiv uTrust 3700")
    index = log.wait_for(state(ABSENT), "absent state")
    event = log.events[index]
    assert event.name == "Identiv uTrust 3700"
    assert SLOT0_READER in event.detail and "未检测到读卡器" in event.message
    assert monitor.running


def test_a_card_already_on_the_reader_at_start_is_not_taken_as_a_tap(start_monitor):
    card = VirtualCard("04A1B2C3D4E5F6", port=SLOT0_PORT)
    with card.on_reader():
        time.sleep(1.0)  # let pcscd see the card before the monitor attaches (it polls vpcd every 0.4 s)
        monitor, log = start_monitor(SLOT0_READER)
        log.wait_for(state(CONNECTED), "reader connected")
    log.wait_for(removed, "the card's removal")
    assert not log.of_type(CardPresented)
    tap_and_wait(log, VirtualCard("04A1B2C3D4E5F6", port=SLOT0_PORT), presented)
    assert len(log.of_type(CardPresented)) == 1


def test_stop_ends_the_monitor_thread(start_monitor):
    monitor, log = start_monitor(SLOT0_READER)
    log.wait_for(state(CONNECTED), "reader connected")
    monitor.stop()
    assert not monitor.running
