"""Choosing the reader by name pattern."""
from cardreader.selection import PNP_NOTIFICATION, select_reader

READERS = ["Alcor Micro AU9540 00 00", "ACS ACR122U PICC Interface 00 00", "ACS ACR122U SAM (1) 01 00"]


def test_a_substring_picks_the_reader_whatever_the_case():
    assert select_reader(READERS, "acr122u picc") == "ACS ACR122U PICC Interface 00 00"


def test_a_name_with_regex_characters_matches_as_typed():
    assert select_reader(READERS, "SAM (1)") == "ACS ACR122U SAM (1) 01 00"


def test_a_regex_picks_a_reader_a_substring_cannot_name():
    assert select_reader(READERS, r"ACR122U.*01 00$") == "ACS ACR122U SAM (1) 01 00"


def test_no_pattern_means_the_first_real_reader():
    assert select_reader([PNP_NOTIFICATION] + READERS, "") == READERS[0]


def test_no_match_and_an_invalid_regex_give_no_reader():
    assert select_reader(READERS, "Identiv") is None
    assert select_reader(READERS, "ACR(") is None
    assert select_reader([], None) is None
