"""The in-process virtual reader and the keyboard-wedge reader send the same events as PC/SC."""
import pytest

from cardreader import (ABSENT, CONNECTED, CardError, CardPresented, CardRemoved, ReaderSettings, ReaderState,
                        VirtualReader, WedgeReader, open_reader)
from cardreader.errors import CARD_REMOVED_MID_READ, NOT_CARD_NUMBER, RANDOM_UID


@pytest.fixture
def events():
    return []


def test_the_virtual_reader_reports_itself_connected_then_a_tap_as_presented_and_removed(events):
    with VirtualReader(events.append, name="Demo") as reader:
        reader.tap("04 a1 b2 c3 d4 e5 f6")
    assert [type(e) for e in events] == [ReaderState, CardPresented, CardRemoved]
    assert events[0].state == CONNECTED and events[0].message == "读卡器正常"
    assert events[1].uid == "04A1B2C3D4E5F6" and events[1].reader == "Demo"


def test_the_virtual_reader_refuses_a_random_uid_like_a_real_one(events):
    with VirtualReader(events.append) as reader:
        reader.tap("08A1B2C3")
    assert not [e for e in events if isinstance(e, CardPresented)]
    assert [e.code for e in events if isinstance(e, CardError)] == [RANDOM_UID]


def test_a_card_pulled_mid_read_on_the_virtual_reader_gives_an_error_and_no_uid(events):
    with VirtualReader(events.append) as reader:
        reader.pull_mid_read()
    errors = [e for e in events if isinstance(e, CardError)]
    assert [e.code for e in errors] == [CARD_REMOVED_MID_READ]
    assert "未扣款" in errors[0].message
    assert not [e for e in events if isinstance(e, CardPresented)]


def test_garbage_from_a_virtual_card_is_an_error(events):
    with VirtualReader(events.append) as reader:
        reader.tap_answer(b"\x6a")
    assert [e.code for e in events if isinstance(e, CardError)] == ["bad_response"]


def test_an_unplugged_virtual_reader_reports_absent_and_refuses_taps_until_replugged(events):
    with VirtualReader(events.append) as reader:
        reader.unplug()
        with pytest.raises(RuntimeError, match="unplugged"):
            reader.tap("04A1B2C3")
        reader.replug()
        reader.tap("04A1B2C3")
    states = [e.state for e in events if isinstance(e, ReaderState)]
    assert states == [CONNECTED, ABSENT, CONNECTED]
    assert [e.uid for e in events if isinstance(e, CardPresented)] == ["04A1B2C3"]


def test_a_consumer_that_fails_does_not_stop_the_reader(events, caplog):
    failures = []

    def flaky(event):
        if isinstance(event, CardPresented) and not failures:
            failures.append(event)
            raise RuntimeError("page went away")
        events.append(event)

    with VirtualReader(flaky) as reader:
        reader.tap("04A1B2C3")
        reader.tap("04A1B2C4")
    assert [e.uid for e in events if isinstance(e, CardPresented)] == ["04A1B2C4"]
    assert "card event sink failed" in caplog.text


def test_the_wedge_reader_turns_a_fast_burst_into_the_same_uid(events):
    with WedgeReader(events.append, "decimal_le") as reader:
        for i, key in enumerate(list("3283263748") + ["Enter"]):
            reader.feed_key(key, at=50.0 + i * 0.01)
        reader.feed_burst("not a card")
    assert isinstance(events[0], ReaderState) and events[0].state == CONNECTED
    assert [e.uid for e in events if isinstance(e, CardPresented)] == ["04A1B2C3"]
    assert [e.code for e in events if isinstance(e, CardError)] == [NOT_CARD_NUMBER]


def test_a_stopped_wedge_reader_ignores_input(events):
    reader = WedgeReader(events.append, "hex").start()
    reader.stop()
    reader.feed_burst("04A1B2C3")
    assert not [e for e in events if isinstance(e, CardPresented)]


def test_settings_come_from_canteen_keys_and_bad_values_fail_loudly():
    settings = ReaderSettings.from_mapping({"CANTEEN_CARD_READER": "Wedge", "CANTEEN_WEDGE_FORMAT": "HEX",
                                            "CANTEEN_READER_PATTERN": "ACR122", "CANTEEN_WEDGE_MAX_GAP_MS": "30"})
    assert (settings.kind, settings.wedge_format.value, settings.pattern, settings.wedge_max_gap_ms) == (
        "wedge", "hex", "ACR122", 30)
    assert ReaderSettings.from_mapping({}).kind == "pcsc"
    with pytest.raises(ValueError, match="unknown card reader kind"):
        ReaderSettings.from_mapping({"CANTEEN_CARD_READER": "bluetooth"})
    with pytest.raises(ValueError, match="CANTEEN_READER_POLL_MS"):
        ReaderSettings.from_mapping({"CANTEEN_READER_POLL_MS": "fast"})


def test_open_reader_builds_the_configured_reader_started(events):
    reader = open_reader(ReaderSettings(kind="virtual"), events.append)
    try:
        assert reader.running
        reader.tap("04A1B2C3")
    finally:
        reader.stop()
    assert [e.uid for e in events if isinstance(e, CardPresented)] == ["04A1B2C3"]
