"""Keyboard-wedge bursts: every reader format gives the PC/SC UID; anything else is not a card number."""
import pytest

from cardreader.errors import NOT_CARD_NUMBER, RANDOM_UID, CardReadError
from cardreader.wedge import WedgeCollector, WedgeFormat, parse_wedge_burst


def refusal(burst: str, fmt: str) -> CardReadError:
    with pytest.raises(CardReadError) as caught:
        parse_wedge_burst(burst, fmt)
    return caught.value


@pytest.mark.parametrize("burst, fmt", [
    ("3283263748", "decimal_le"),   # 0xC3B2A104: UID bytes 04 A1 B2 C3 read little endian
    ("0077705923", "decimal_be"),   # 0x04A1B2C3, zero-padded to 10 digits
    ("77705923", "decimal_be"),     # the same without the padding some readers drop
    ("04A1B2C3", "hex"),
    ("04a1b2c3", "hex"),
    (" 3283263748\n", "decimal_le"),
])
def test_every_wedge_format_gives_the_uid_a_pcsc_reader_reads(burst, fmt):
    assert parse_wedge_burst(burst, fmt) == "04A1B2C3"


def test_a_hex_wedge_passes_7_and_10_byte_uids_through():
    assert parse_wedge_burst("04A1B2C3D4E5F6", WedgeFormat.HEX) == "04A1B2C3D4E5F6"
    assert parse_wedge_burst("04A1B2C3D4E5F60718AB", WedgeFormat.HEX) == "04A1B2C3D4E5F60718AB"


@pytest.mark.parametrize("burst, fmt, why", [
    ("", "decimal_le", "empty"),
    ("   ", "hex", "empty"),
    ("12345", "decimal_le", "has 5 digits"),
    ("32832637481", "decimal_le", "has 11 digits"),
    ("4294967296", "decimal_le", "larger than a 4-byte UID"),
    ("32832a3748", "decimal_le", "not all decimal digits"),
    ("٣٢٨٣٢٦٣٧٤٨", "decimal_le", "not all decimal digits"),  # Arabic-Indic digits are digits, not card numbers
    ("04A1B2C", "hex", "has 7 characters"),
    ("04A1B2C3D4", "hex", "has 10 characters"),
    ("04A1B2CZ", "hex", "not hexadecimal"),
    ("zhangsan", "hex", "not hexadecimal"),
])
def test_a_burst_that_is_not_a_card_number_is_refused(burst, fmt, why):
    error = refusal(burst, fmt)
    assert error.code == NOT_CARD_NUMBER
    assert why in error.detail
    assert error.message == "读到的不是饭卡卡号，未扣款。请重新刷卡。"


def test_a_random_uid_is_refused_from_a_wedge_as_from_pcsc():
    assert refusal("08A1B2C3", "hex").code == RANDOM_UID
    assert refusal(str(int.from_bytes(bytes.fromhex("08A1B2C3"), "little")), "decimal_le").code == RANDOM_UID


def test_an_unknown_format_name_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="hex, decimal_le, decimal_be"):
        parse_wedge_burst("3283263748", "octal")


def type_keys(collector: WedgeCollector, keys: list[str], start: float, gap: float) -> list[str | None]:
    return [collector.feed(key, start + i * gap) for i, key in enumerate(keys)]


def test_a_fast_burst_ended_by_enter_is_collected():
    results = type_keys(WedgeCollector(), list("3283263748") + ["Enter"], start=100.0, gap=0.008)
    assert results[-1] == "3283263748"
    assert results[:-1] == [None] * 10


def test_a_person_typing_digits_and_enter_is_not_a_card():
    results = type_keys(WedgeCollector(), list("3283263748") + ["Enter"], start=100.0, gap=0.15)
    assert results == [None] * 11


def test_keys_typed_before_a_pause_do_not_join_the_next_burst():
    collector = WedgeCollector()
    type_keys(collector, list("99"), start=0.0, gap=0.01)
    assert type_keys(collector, list("04A1B2C3") + ["\n"], start=5.0, gap=0.01)[-1] == "04A1B2C3"


def test_a_named_key_inside_a_burst_breaks_it():
    results = type_keys(WedgeCollector(), list("3283") + ["Shift"] + list("263748") + ["Enter"], 0.0, 0.01)
    assert results[-1] == "263748"


def test_an_over_long_burst_is_kept_over_long_so_it_is_refused_not_cut():
    burst = type_keys(WedgeCollector(max_length=12), list("1" * 40) + ["Enter"], 0.0, 0.005)[-1]
    assert burst is not None and len(burst) == 13
    assert refusal(burst, "decimal_le").code == NOT_CARD_NUMBER


def test_enter_alone_is_nothing():
    collector = WedgeCollector()
    assert type_keys(collector, ["Enter", "Enter"], 0.0, 0.005) == [None, None]
