"""Money as people key and read it: one parser and one format for every caller."""
import pytest

from canteen.errors import DomainError
from canteen.money import parse_yuan, yuan, yuan_sign


@pytest.mark.parametrize("text, fen", [("12.5", 1250), ("12.50", 1250), (" 8 ", 800), ("0.01", 1),
                                       ("999999999.99", 99_999_999_999), ("007.1", 710)])
def test_an_amount_in_yuan_reads_as_whole_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["-1", "1.234", "1,000", "1e3", "￥5", "12.", ".5", "NaN", "1 000", "１２",
                                  "1" * 5000, "5\x00", "0x10"])
def test_anything_but_a_plain_amount_is_refused_as_invalid_amount(text):
    with pytest.raises(DomainError) as refused:
        parse_yuan(text)
    assert refused.value.code == "invalid_amount"


def test_zero_and_empty_are_refused_unless_allowed():
    for text in ("0", "0.00", "", None):
        with pytest.raises(DomainError):
            parse_yuan(text)
        assert parse_yuan(text, allow_zero=True) == 0


def test_a_limit_refuses_more_than_it():
    assert parse_yuan("100", limit=10000) == 10000
    with pytest.raises(DomainError):
        parse_yuan("100.01", limit=10000)


def test_fen_show_as_yuan_with_two_decimals():
    assert yuan(123450) == "1,234.50"
    assert yuan(-5) == "-0.05"
    assert yuan(123450, grouped=False) == "1234.50"
    assert yuan(None) == ""
    assert yuan_sign(800) == "￥8.00"
    assert yuan_sign(-300) == "-￥3.00"
    assert yuan_sign(123456789) == "￥1,234,567.89"
