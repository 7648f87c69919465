"""Card readers for the canteen terminal: PC/SC, keyboard wedge, and virtual ones for tests and the demo.

Every reader sends the same events (`CardPresented`, `CardRemoved`, `CardError`, `ReaderState`) to a callback
or queue. Only `cardreader.pcsc` imports pyscard, and nothing here imports it until a PC/SC reader is opened, so
a terminal with a wedge reader or the demo needs no PC/SC stack. Pure UID, APDU and wedge logic (`uid`, `wedge`,
`vpcd`, `selection`) is apart from the I/O.
"""
from cardreader.config import ReaderSettings, ReaderSource, open_reader
from cardreader.errors import CardReadError
from cardreader.events import (ABSENT, CONNECTED, PCSCD_DOWN, CardError, CardPresented, CardRemoved,
                               ReaderEvent, ReaderState)
from cardreader.uid import GET_UID_APDU, parse_get_uid_response, validate_uid
from cardreader.virtual_reader import VirtualReader
from cardreader.wedge import WedgeFormat, parse_wedge_burst
from cardreader.wedge_reader import WedgeReader

__all__ = [
    "ABSENT", "CONNECTED", "PCSCD_DOWN", "CardError", "CardPresented", "CardReadError", "CardRemoved",
    "GET_UID_APDU", "ReaderEvent", "ReaderSettings", "ReaderSource", "ReaderState", "VirtualReader",
    "WedgeFormat", "WedgeReader", "open_reader", "parse_get_uid_response", "parse_wedge_burst", "validate_uid",
]
