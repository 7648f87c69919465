"""Card UIDs: the PC/SC GET DATA pseudo-APDU, parsing its answer, and the rules a UID must pass.

A meal card is identified by its ISO 14443 UID. PC/SC readers hand it out through the GET DATA pseudo-APDU
`FF CA 00 00 00` (PC/SC part 3, section 3.2.2.1.3), answered by the UID followed by status word 90 00. Pure
functions on bytes: no reader needed to test them.
"""
from __future__ import annotations

from cardreader.errors import (BAD_RESPONSE, BAD_STATUS, BAD_UID_LENGTH, CARD_REMOVED_MID_READ, NOT_CARD_NUMBER,
                               RANDOM_UID, CardReadError)

#: GET DATA, P1=00 (UID), Le=00 (whatever length the card has).
GET_UID_APDU = bytes.fromhex("FFCA000000")
#: Success status word.
SW_OK = (0x90, 0x00)
#: Single, double and triple size UIDs of ISO 14443-3; nothing else is a card UID.
UID_LENGTHS = (4, 7, 10)
#: First byte of a 4-byte random ID (RID), regenerated at every activation (ISO 14443-3, 6.5.4).
RANDOM_UID_FIRST_BYTE = 0x08

#: What the common error status words of PC/SC readers mean, for the log line.
_SW_MEANINGS = {
    (0x62, 0x82): "end of data reached before Le bytes",
    (0x63, 0x00): "no information given (read failed)",
    (0x67, 0x00): "wrong length",
    (0x68, 0x00): "class byte not supported",
    (0x6A, 0x81): "function not supported",
    (0x6B, 0x00): "wrong parameters P1-P2",
    (0x6D, 0x00): "instruction not supported",
    (0x6E, 0x00): "class not supported",
}


def describe_sw(sw1: int, sw2: int) -> str:
    """Status word as `6A 81 (function not supported)` for log lines."""
    text = f"{sw1:02X} {sw2:02X}"
    if sw1 == 0x6C:
        return f"{text} (wrong Le, card has {sw2} bytes)"
    meaning = _SW_MEANINGS.get((sw1, sw2))
    return f"{text} ({meaning})" if meaning else text


def parse_get_uid_response(response: bytes | bytearray | list[int]) -> str:
    """The UID (uppercase hex) from a GET DATA answer, or `CardReadError` when the answer is not a usable UID."""
    data = bytes(response)
    if not data:
        # Every card that is still in the field answers at least a status word; silence means it left while the
        # reader was asking (vpcd and several contactless readers report that as an empty answer, not an error).
        raise CardReadError(CARD_REMOVED_MID_READ, "GET DATA got no answer at all: card left the field")
    if len(data) < 2:
        raise CardReadError(BAD_RESPONSE, f"GET DATA answer {data.hex(' ').upper()} has no status word")
    body, sw1, sw2 = data[:-2], data[-2], data[-1]
    if (sw1, sw2) != SW_OK:
        raise CardReadError(BAD_STATUS, f"GET DATA answered status word {describe_sw(sw1, sw2)}, not 90 00")
    return validate_uid(body)


def validate_uid(uid: bytes | bytearray) -> str:
    """`uid` as uppercase hex if it is a UID a person can be identified by, else `CardReadError`."""
    uid = bytes(uid)
    if len(uid) not in UID_LENGTHS:
        raise CardReadError(
            BAD_UID_LENGTH,
            f"UID {uid.hex().upper() or '(empty)'} is {len(uid)} bytes; only 4, 7 or 10 byte UIDs are card UIDs")
    if is_random_uid(uid):
        raise CardReadError(
            RANDOM_UID, f"UID {uid.hex().upper()} is a random ID (4 bytes, first byte 08) and changes every tap")
    return uid.hex().upper()


def is_random_uid(uid: bytes) -> bool:
    """True for a 4-byte random ID, which identifies nobody."""
    return len(uid) == 4 and uid[0] == RANDOM_UID_FIRST_BYTE


def normalize_uid(text: str) -> str:
    """A UID typed or configured by a person (`04 a1:b2-c3`) as validated uppercase hex."""
    cleaned = "".join(ch for ch in text.strip() if ch not in " :-")
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError:
        raise CardReadError(NOT_CARD_NUMBER, f"{text!r} is not a hexadecimal UID") from None
    return validate_uid(raw)
