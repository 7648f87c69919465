"""Choosing the reader to watch among those pcscd lists, by a configured name pattern.

A till may have several PC/SC devices (a contact slot on the keyboard, the contactless pad, a SAM slot); the
pattern (`CANTEEN_READER_PATTERN`) names the one diners tap on. It is first tried as a case-insensitive
substring, so names full of regex characters ("ACS ACR122U PICC Interface 00 00") work as typed, then as a
regular expression for the cases a substring cannot express ("ACR122U.*00 00$").
"""
from __future__ import annotations

import re
from typing import Iterable

#: The pseudo reader pcsc-lite uses for "a reader was plugged or unplugged" notifications; never a card reader.
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"


def select_reader(names: Iterable[str], pattern: str | None) -> str | None:
    """The first reader in `names` matching `pattern` (any reader when the pattern is empty), or None."""
    readers = [name for name in names if name != PNP_NOTIFICATION]
    if not pattern:
        return readers[0] if readers else None
    folded = pattern.casefold()
    for name in readers:
        if folded in name.casefold():
            return name
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error:
        return None
    for name in readers:
        if regex.search(name):
            return name
    return None

