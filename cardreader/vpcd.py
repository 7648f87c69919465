"""The vsmartcard-vpcd wire protocol and what our virtual meal card answers, as pure functions on bytes.

vpcd is a pcscd driver that exposes a reader ("Virtual PCD 00 00", "... 00 01") and listens on TCP (35963 for
slot 0, one port up per slot). A virtual card connects to that port: connected means inserted, closed means
removed. Every message both ways is a 2-byte big-endian length followed by that many bytes. From vpcd, a 1-byte
message is a control command (power off 00, power on 01, reset 02, ATR request 04); anything longer is a command
APDU. The card answers the ATR request with its ATR and every APDU with a response APDU; power commands get no
answer. (Reference: vsmartcard's `virtualsmartcard/VirtualSmartcard.py`, `VirtualICC.run`.)
"""
from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from cardreader.uid import GET_UID_APDU

DEFAULT_HOST = "127.0.0.1"
#: vpcd's port for slot 0 ("Virtual PCD 00 00"); slot n listens on DEFAULT_PORT + n.
DEFAULT_PORT = 0x8C7B
_LENGTH = struct.Struct("!H")
MAX_MESSAGE = 0xFFFF

#: ATR a PC/SC reader reports for a MIFARE Classic 1K (PC/SC part 3 storage-card ATR), what a canteen card is.
MIFARE_CLASSIC_1K_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
#: "Instruction not supported": our card understands nothing but GET DATA.
SW_INS_NOT_SUPPORTED = bytes.fromhex("6D00")


class Control(enum.IntEnum):
    """vpcd's 1-byte control commands."""

    POWER_OFF = 0x00
    POWER_ON = 0x01
    RESET = 0x02
    GET_ATR = 0x04


def frame(payload: bytes) -> bytes:
    """`payload` with vpcd's 2-byte big-endian length prefix."""
    if len(payload) > MAX_MESSAGE:
        raise ValueError(f"vpcd message of {len(payload)} bytes exceeds {MAX_MESSAGE}")
    return _LENGTH.pack(len(payload)) + payload


class FrameDecoder:
    """Splits the byte stream from vpcd into messages, however TCP cut it up."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; every message now complete, in order."""
        self._buffer += data
        messages = []
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            end = _LENGTH.size + size
            if len(self._buffer) < end:
                break
            messages.append(bytes(self._buffer[_LENGTH.size:end]))
            del self._buffer[:end]
        return messages


class UidAnswer(str, enum.Enum):
    """How the virtual card answers GET DATA: normally, or one of the faults tests and demos need."""

    #: UID followed by 90 00, like a healthy card.
    UID = "uid"
    #: The card leaves the field instead of answering: the reader sees it pulled mid-read.
    PULL = "pull"
    #: One byte that is neither a UID nor a status word.
    GARBAGE = "garbage"
    #: Status word 6A 81 (function not supported), like a reader that cannot read this card type.
    ERROR = "error"


#: Sentinel reply: close the connection instead of answering.
PULL_CARD = None
_GARBAGE = bytes.fromhex("42")
_ERROR_SW = bytes.fromhex("6A81")


@dataclass(frozen=True)
class CardBehaviour:
    """What one virtual card is: its UID, its ATR and how it answers GET DATA."""

    uid: bytes
    atr: bytes = MIFARE_CLASSIC_1K_ATR
    uid_answer: UidAnswer = UidAnswer.UID

    def reply(self, message: bytes) -> bytes | None:
        """The framed-less reply to one message from vpcd: bytes to send, b"" for none, `PULL_CARD` to hang up."""
        if len(message) == 1:
            return self.atr if message[0] == Control.GET_ATR else b""
        if message != GET_UID_APDU:
            return SW_INS_NOT_SUPPORTED
        if self.uid_answer is UidAnswer.PULL:
            return PULL_CARD
        if self.uid_answer is UidAnswer.GARBAGE:
            return _GARBAGE
        if self.uid_answer is UidAnswer.ERROR:
            return _ERROR_SW
        return self.uid + b"\x90\x00"
