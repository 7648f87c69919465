"""GET DATA answers and the UID rules: what is a card, what is refused and why."""
import pytest

from cardreader.errors import (BAD_RESPONSE, BAD_STATUS, BAD_UID_LENGTH, CARD_REMOVED_MID_READ, NOT_CARD_NUMBER,
                               RANDOM_UID, CardReadError)
from cardreader.uid import GET_UID_APDU, normalize_uid, parse_get_uid_response, validate_uid


def refusal(response: bytes) -> CardReadError:
    with pytest.raises(CardReadError) as caught:
        parse_get_uid_response(response)
    return caught.value


def test_the_uid_is_asked_for_with_the_pcsc_get_data_pseudo_apdu():
    assert GET_UID_APDU == bytes([0xFF, 0xCA, 0x00, 0x00, 0x00])


@pytest.mark.parametrize("answer, uid", [
    ("04a1b2c3 9000", "04A1B2C3"),
    ("04a1b2c3d4e5f6 9000", "04A1B2C3D4E5F6"),
    ("04a1b2c3d4e5f60718ab 9000", "04A1B2C3D4E5F60718AB"),
])
def test_a_4_7_or_10_byte_uid_followed_by_90_00_is_read_as_uppercase_hex(answer, uid):
    assert parse_get_uid_response(bytes.fromhex(answer)) == uid


def test_the_answer_may_come_as_the_list_of_ints_pyscard_returns():
    assert parse_get_uid_response([0xDE, 0xAD, 0xBE, 0xEF, 0x90, 0x00]) == "DEADBEEF"


@pytest.mark.parametrize("sw, shown", [("6A81", "6A 81 (function not supported)"), ("6300", "63 00"),
                                       ("6C04", "6C 04 (wrong Le")])
def test_an_error_status_word_is_refused_and_the_log_names_it(sw, shown):
    error = refusal(bytes.fromhex("04a1b2c3" + sw))
    assert error.code == BAD_STATUS
    assert shown in error.detail
    assert "请重新刷卡" in error.message


def test_a_uid_followed_by_a_status_word_other_than_90_00_is_refused_even_if_the_uid_looks_fine():
    assert refusal(bytes.fromhex("04a1b2c3d4e5f6 9001")).code == BAD_STATUS


@pytest.mark.parametrize("garbage", ["42", "90"])
def test_an_answer_too_short_for_a_status_word_is_garbage(garbage):
    error = refusal(bytes.fromhex(garbage))
    assert error.code == BAD_RESPONSE
    assert "no status word" in error.detail


def test_no_answer_at_all_means_the_card_left_mid_read():
    assert refusal(b"").code == CARD_REMOVED_MID_READ


@pytest.mark.parametrize("uid", ["", "04", "04a1b2", "04a1b2c3d4", "04a1b2c3d4e5", "04a1b2c3d4e5f607",
                                 "04a1b2c3d4e5f60718ab11"])
def test_a_uid_of_any_length_but_4_7_or_10_bytes_is_refused(uid):
    error = refusal(bytes.fromhex(uid + "9000"))
    assert error.code == BAD_UID_LENGTH
    assert f"is {len(uid) // 2} bytes" in error.detail
    assert "卡号长度不对" in error.message


def test_a_random_uid_is_refused_with_its_reason():
    error = refusal(bytes.fromhex("08a1b2c3 9000"))
    assert error.code == RANDOM_UID
    assert "random" in error.detail
    assert "随机卡号" in error.message


def test_only_a_4_byte_uid_starting_with_08_is_random():
    assert validate_uid(bytes.fromhex("08a1b2c3d4e5f6")) == "08A1B2C3D4E5F6"
    assert validate_uid(bytes.fromhex("80a1b2c3")) == "80A1B2C3"


def test_a_uid_typed_by_a_cashier_is_normalised():
    assert normalize_uid(" 04 a1:b2-c3 ") == "04A1B2C3"


def test_a_typed_uid_that_is_not_hex_is_not_a_card_number():
    with pytest.raises(CardReadError) as caught:
        normalize_uid("04A1B2CG")
    assert caught.value.code == NOT_CARD_NUMBER


def test_an_unknown_error_code_cannot_be_raised():
    with pytest.raises(ValueError):
        CardReadError("no_such_code", "x")
