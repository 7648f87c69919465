"""A virtual meal card that taps on pcscd's vsmartcard-vpcd reader, so tests and the demo go through real PC/SC.

Connecting to vpcd's TCP port is putting the card on the reader; closing the connection is taking it away. While
connected a background thread answers vpcd (see `cardreader.vpcd` for the protocol and the answers).
"""
from __future__ import annotations

import contextlib
import logging
import socket
import threading
from typing import Iterator

from cardreader.uid import GET_UID_APDU
from cardreader.vpcd import (DEFAULT_HOST, DEFAULT_PORT, MIFARE_CLASSIC_1K_ATR, PULL_CARD, CardBehaviour,
                             FrameDecoder, UidAnswer, frame)

log = logging.getLogger(__name__)

#: How often the serving thread looks up from the socket to see whether it was asked to stop.
_POLL_S = 0.05


class VirtualCardError(Exception):
    """The virtual card could not reach vpcd."""


class VirtualCard:
    """One card with a fixed UID. `present(hold_seconds)` taps it; `insert()`/`remove()` for finer control."""

    def __init__(self, uid: bytes | str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 uid_answer: UidAnswer | str = UidAnswer.UID, atr: bytes = MIFARE_CLASSIC_1K_ATR) -> None:
        raw = bytes.fromhex(uid) if isinstance(uid, str) else bytes(uid)
        if not raw:
            raise ValueError("a virtual card needs a UID")
        self.behaviour = CardBehaviour(uid=raw, atr=atr, uid_answer=UidAnswer(uid_answer))
        self.host = host
        self.port = port
        #: Set when the card left the reader on its own: pulled mid-read, or vpcd (pcscd) went away.
        self.gone = threading.Event()
        #: Number of GET DATA commands the card received while inserted.
        self.uid_requests = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def inserted(self) -> bool:
        """True while the card is connected to vpcd."""
        return self._thread is not None and self._thread.is_alive()

    def insert(self, connect_timeout: float = 3.0) -> None:
        """Put the card on the reader: connect to vpcd and start answering it."""
        if self.inserted:
            raise RuntimeError("the virtual card is already on the reader")
        self.remove()  # a card that left on its own (pulled, pcscd gone) still has a finished thread to join
        try:
            sock = socket.create_connection((self.host, self.port), timeout=connect_timeout)
        except OSError as exc:
            raise VirtualCardError(
                f"cannot reach vpcd at {self.host}:{self.port} ({exc}); is pcscd running with the "
                "vsmartcard-vpcd driver (package vsmartcard-vpcd, /etc/reader.conf.d/vpcd)?") from exc
        sock.settimeout(_POLL_S)
        self._stop.clear()
        self.gone.clear()
        self.uid_requests = 0
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True,
                                        name=f"virtual-card-{self.behaviour.uid.hex()}")
        self._thread.start()
        log.info("virtual card %s put on vpcd %s:%d", self.behaviour.uid.hex().upper(), self.host, self.port)

    def remove(self) -> None:
        """Take the card off the reader: stop answering and close the connection."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join()
        log.info("virtual card %s taken off the reader", self.behaviour.uid.hex().upper())

    def present(self, hold_seconds: float = 0.5) -> None:
        """Tap: put the card on the reader, hold it there (less if it leaves on its own), take it away."""
        self.insert()
        try:
            self.gone.wait(hold_seconds)
        finally:
            self.remove()

    @contextlib.contextmanager
    def on_reader(self) -> Iterator["VirtualCard"]:
        """The card lies on the reader for the duration of the `with` block."""
        self.insert()
        try:
            yield self
        finally:
            self.remove()

    def _serve(self, sock: socket.socket) -> None:
        decoder = FrameDecoder()
        try:
            while not self._stop.is_set():
                try:
                    data = sock.recv(4096)
                except socket.timeout:
                    continue
                # vpcd sends a frame's length and body as two packets; a delayed ACK of the first
                # stalls the second by ~40 ms (Nagle on vpcd's side), so acknowledge at once.
                if hasattr(socket, "TCP_QUICKACK"):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                if not data:
                    log.info("vpcd closed the connection (pcscd stopped?)")
                    self.gone.set()
                    return
                for message in decoder.feed(data):
                    if message == GET_UID_APDU:
                        self.uid_requests += 1
                    reply = self.behaviour.reply(message)
                    if reply is PULL_CARD:
                        # Leave without answering, exactly what a card snatched from the field does.
                        self.gone.set()
                        return
                    if reply:
                        sock.sendall(frame(reply))
        except OSError as exc:
            log.info("virtual card connection lost: %s", exc)
            self.gone.set()
        finally:
            sock.close()

