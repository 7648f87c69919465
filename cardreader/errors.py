"""Why a card could not be read: stable reason codes with the message a diner or cashier sees.

Every refusal in this package is a `CardReadError`. The code is stable (the terminal page, the logs and the tests
key on it); the message is plain Chinese for the page; the detail is English for the log line.
"""
from __future__ import annotations

from canteen.rules import refusals

#: Card left the field before its UID was read. No UID is emitted, so nothing is charged.
CARD_REMOVED_MID_READ = "card_removed_mid_read"
#: The card (or the reader in front of it) answered GET DATA with a status word other than 90 00.
BAD_STATUS = "bad_status"
#: The answer was too short to hold a UID and a status word.
BAD_RESPONSE = "bad_response"
#: A UID of a length no ISO 14443 card has (4, 7 or 10 bytes are the only valid ones).
BAD_UID_LENGTH = "bad_uid_length"
#: A 4-byte UID starting with 08 is regenerated on every tap, so it cannot identify a person.
RANDOM_UID = "random_uid"
#: A keyboard-wedge burst that is not a card number in the configured format.
NOT_CARD_NUMBER = "not_card_number"
#: The card is in the field but does not answer (mute, or a card type the reader cannot talk to).
CARD_UNRESPONSIVE = "card_unresponsive"
#: Any other failure talking to the reader while reading one card.
READER_ERROR = "reader_error"

#: What the diner sees on the page for each code: the one definition in :mod:`canteen.rules.refusals` (which also
#: has the English). The last sentence always says what to do next.
MESSAGES: dict[str, str] = {code: refusals.text(code) for code in (
    CARD_REMOVED_MID_READ, BAD_STATUS, BAD_RESPONSE, BAD_UID_LENGTH, RANDOM_UID, NOT_CARD_NUMBER, CARD_UNRESPONSIVE,
    READER_ERROR)}


class CardReadError(Exception):
    """A card was seen but no usable UID came out of it; nothing may be charged for it."""

    def __init__(self, code: str, detail: str) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown card error code {code!r}")
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        """The Chinese sentence for the terminal page."""
        return MESSAGES[self.code]
