"""The vsmartcard-vpcd wire format and what the virtual card answers."""
import pytest

from cardreader.vpcd import (MIFARE_CLASSIC_1K_ATR, PULL_CARD, CardBehaviour, Control, FrameDecoder, UidAnswer,
                             frame)

UID = bytes.fromhex("04A1B2C3D4E5F6")


def test_a_message_is_framed_with_a_big_endian_length():
    assert frame(bytes.fromhex("FFCA000000")) == bytes.fromhex("0005FFCA000000")
    assert frame(b"") == b"\x00\x00"


def test_an_oversized_message_cannot_be_framed():
    with pytest.raises(ValueError):
        frame(bytes(0x10000))


def test_the_decoder_reassembles_messages_however_tcp_splits_them():
    stream = frame(bytes([Control.GET_ATR])) + frame(bytes.fromhex("FFCA000000")) + frame(b"\x01")
    decoder = FrameDecoder()
    messages = [m for byte in stream for m in decoder.feed(bytes([byte]))]
    assert messages == [b"\x04", bytes.fromhex("FFCA000000"), b"\x01"]


def test_the_card_answers_the_atr_request_and_ignores_power_commands():
    card = CardBehaviour(UID)
    assert card.reply(bytes([Control.GET_ATR])) == MIFARE_CLASSIC_1K_ATR
    for command in (Control.POWER_ON, Control.POWER_OFF, Control.RESET):
        assert card.reply(bytes([command])) == b""


def test_the_card_answers_get_data_with_its_uid_and_90_00():
    assert CardBehaviour(UID).reply(bytes.fromhex("FFCA000000")) == UID + b"\x90\x00"


@pytest.mark.parametrize("apdu", ["00A4040007A0000000031010", "FFCA010000", "FFB0000010"])
def test_the_card_answers_any_other_apdu_with_instruction_not_supported(apdu):
    assert CardBehaviour(UID).reply(bytes.fromhex(apdu)) == bytes.fromhex("6D00")


def test_a_faulty_card_can_leave_answer_garbage_or_an_error():
    get_uid = bytes.fromhex("FFCA000000")
    assert CardBehaviour(UID, uid_answer=UidAnswer.PULL).reply(get_uid) is PULL_CARD
    assert len(CardBehaviour(UID, uid_answer=UidAnswer.GARBAGE).reply(get_uid)) == 1
    assert CardBehaviour(UID, uid_answer=UidAnswer.ERROR).reply(get_uid) == bytes.fromhex("6A81")
