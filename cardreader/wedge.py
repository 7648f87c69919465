"""Keyboard-wedge readers: cheap USB readers that "type" the card number followed by Enter.

Such a reader sends a burst of keystrokes far faster than a person types. Depending on the model (and often a
DIP switch) the number is the UID in hex, or the 4-byte UID as a 10-digit decimal read little endian (the usual
"reversed" output of cheap 125 kHz/13.56 MHz readers) or big endian. `parse_wedge_burst` turns any of them into
the same uppercase-hex UID the PC/SC reader produces, so a person's card works on every terminal. `WedgeCollector`
tells a reader's burst from a person typing, from key timestamps. Pure logic: no keyboard access here.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from cardreader.errors import NOT_CARD_NUMBER, CardReadError
from cardreader.uid import UID_LENGTHS, validate_uid

#: Keys that end a burst (browser `key` names and the characters a tty sees).
ENTER_KEYS = frozenset({"Enter", "\n", "\r", "\r\n"})
#: Readers zero-pad a 4-byte UID to 10 decimal digits; a few drop leading zeros, so 8 and 9 are accepted too.
DECIMAL_DIGITS = range(8, 11)


class WedgeFormat(str, enum.Enum):
    """How the reader writes the card number (`CANTEEN_WEDGE_FORMAT`)."""

    #: Hex digits of the UID in card order (8, 14 or 20 digits).
    HEX = "hex"
    #: Decimal of the 4-byte UID read as a little-endian number (04 A1 B2 C3 -> 0xC3B2A104 -> 3283263748).
    DECIMAL_LE = "decimal_le"
    #: Decimal of the 4-byte UID read as a big-endian number (04 A1 B2 C3 -> 0x04A1B2C3 -> 77705923).
    DECIMAL_BE = "decimal_be"

    @classmethod
    def parse(cls, value: "str | WedgeFormat") -> "WedgeFormat":
        """The format named by a configuration value, with the valid names in the error."""
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise ValueError(f"unknown keyboard-wedge format {value!r}; use one of {names}") from None


def parse_wedge_burst(burst: str, fmt: "WedgeFormat | str" = WedgeFormat.DECIMAL_LE) -> str:
    """The uppercase-hex UID a wedge reader typed, or `CardReadError` when the burst is not a card number."""
    fmt = WedgeFormat.parse(fmt)
    text = burst.strip()
    if not text:
        raise CardReadError(NOT_CARD_NUMBER, "empty keyboard-wedge burst")
    if fmt is WedgeFormat.HEX:
        return validate_uid(_hex_digits(text))
    if not (text.isascii() and text.isdigit()):
        raise CardReadError(NOT_CARD_NUMBER, f"burst {text!r} is not all decimal digits (format {fmt.value})")
    if len(text) not in DECIMAL_DIGITS:
        raise CardReadError(NOT_CARD_NUMBER, f"burst {text!r} has {len(text)} digits; a decimal card number has "
                                             f"{DECIMAL_DIGITS.start} to {DECIMAL_DIGITS.stop - 1}")
    number = int(text)
    if number > 0xFFFF_FFFF:
        raise CardReadError(NOT_CARD_NUMBER, f"burst {text} is larger than a 4-byte UID can be")
    order = "little" if fmt is WedgeFormat.DECIMAL_LE else "big"
    return validate_uid(number.to_bytes(4, order))


def _hex_digits(text: str) -> bytes:
    if len(text) not in tuple(2 * n for n in UID_LENGTHS):
        raise CardReadError(NOT_CARD_NUMBER, f"burst {text!r} has {len(text)} characters; a hex card number has "
                                             "8, 14 or 20")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise CardReadError(NOT_CARD_NUMBER, f"burst {text!r} is not hexadecimal") from None


@dataclass
class WedgeCollector:
    """Collects keystrokes and returns a burst when Enter ends keys that came fast enough to be a reader.

    `max_gap_s` is the largest pause between two keys of one burst: readers send a key every few milliseconds,
    people rarely faster than every 80 ms. A slower key starts a new burst, so a person typing digits and Enter
    into the till never produces a card tap.
    """

    max_gap_s: float = 0.05
    max_length: int = 32
    _keys: list[str] = field(default_factory=list)
    _last_at: float | None = None

    def feed(self, key: str, at: float) -> str | None:
        """Take one key pressed at monotonic time `at`; the finished burst when it was Enter, else None."""
        fast = self._last_at is not None and at - self._last_at <= self.max_gap_s
        self._last_at = at
        if key in ENTER_KEYS:
            burst = "".join(self._keys) if fast else ""
            self._keys.clear()
            return burst or None
        if len(key) != 1:
            # Shift, Tab and other named keys are not part of a card number; they break the burst.
            self._keys.clear()
            return None
        if not fast:
            self._keys.clear()
        if len(self._keys) <= self.max_length:
            # One key past the limit is kept so an over-long burst is refused rather than cut to a valid length.
            self._keys.append(key)
        return None

    def reset(self) -> None:
        """Forget any keys collected so far (e.g. when the page loses focus)."""
        self._keys.clear()
        self._last_at = None
