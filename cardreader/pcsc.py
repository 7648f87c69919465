"""The supervised PC/SC reader monitor: the only module that imports pyscard.

One thread owns one PC/SC context and watches one reader (chosen by name pattern) with SCardGetStatusChange
and short timeouts, so `stop()` returns promptly. On a card insertion it reads the UID with GET DATA and emits
`CardPresented`; any failure on the way becomes a `CardError` and no UID, so no charge. pyscard's `CardMonitor`
is not used: it hides pcscd going away (its thread just stops on SCARD_E_NO_SERVICE) and cannot be stopped
promptly, and surviving a pcscd restart is the point here.

Supervision: when pcscd disappears (restart, crash) or the reader is unplugged, the monitor reports
`ReaderState` pcscd_down/absent, drops the context and re-establishes it with a backoff doubling from 0.1 s to
`backoff_cap_s` (1 s), so it is back within about a second of pcscd or the reader returning. A card already lying
on the reader when the monitor (re)attaches is not reported: after a pcscd restart that would charge it twice.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from smartcard import scard

from cardreader.errors import CARD_REMOVED_MID_READ, CARD_UNRESPONSIVE, READER_ERROR, CardReadError
from cardreader.events import (ABSENT, CONNECTED, PCSCD_DOWN, CardError, CardPresented, CardRemoved,
                               EventSink, ReaderEvent, ReaderState, as_sink, deliver)
from cardreader.selection import PNP_NOTIFICATION, select_reader
from cardreader.uid import GET_UID_APDU, parse_get_uid_response

log = logging.getLogger(__name__)

#: Answers meaning the context is dead: pcscd stopped or restarted. The cure is a new context.
_SERVICE_GONE = frozenset({scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_INVALID_HANDLE,
                           scard.SCARD_F_COMM_ERROR, scard.SCARD_E_NO_MEMORY})
#: Answers meaning the watched reader went away (unplugged).
_READER_GONE = frozenset({scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE})
#: Answers meaning the card left the field while it was being read.
_CARD_GONE = frozenset({scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_E_NOT_TRANSACTED,
                        scard.SCARD_W_RESET_CARD, scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_E_COMM_DATA_LOST})
_READER_VANISHED_STATES = scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_IGNORE
_BACKOFF_START_S = 0.1


def _error_text(hresult: int) -> str:
    return f"{scard.SCardGetErrorMessage(hresult).strip()} (0x{hresult & 0xFFFFFFFF:08X})"


class _ServiceGone(Exception):
    """The PC/SC context is unusable; re-establish it."""


class PcscUnavailable(Exception):
    """pcscd cannot be reached."""


def list_readers() -> list[str]:
    """Names of the readers pcscd sees now (for diagnostics and readiness checks); `PcscUnavailable` if none can."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise PcscUnavailable(f"SCardEstablishContext: {_error_text(hresult)}")
    try:
        hresult, names = scard.SCardListReaders(context, [])
    finally:
        scard.SCardReleaseContext(context)
    if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
        return []
    if hresult != scard.SCARD_S_SUCCESS:
        raise PcscUnavailable(f"SCardListReaders: {_error_text(hresult)}")
    return list(names)


class PcscReaderMonitor:
    """Watches the PC/SC reader whose name matches `pattern` and sends card and reader events to `sink`.

    `sink` is a callable or a queue; it is called from the monitor's thread. `poll_ms` bounds every blocking
    PC/SC wait, and so how long `stop()` may take.
    """

    def __init__(self, sink: EventSink, pattern: str | None = None, *, poll_ms: int = 200,
                 backoff_cap_s: float = 1.0) -> None:
        self.pattern = pattern or ""
        self.poll_ms = poll_ms
        self.backoff_cap_s = backoff_cap_s
        self._sink = as_sink(sink)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context_lock = threading.Lock()
        self._context: int | None = None
        self._reported: tuple[str, str] | None = None
        self._backoff_s = _BACKOFF_START_S

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> "PcscReaderMonitor":
        """Start watching in a background thread."""
        if self._thread is not None:
            raise RuntimeError("monitor already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"pcsc-monitor[{self.pattern}]", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching and wait for the thread to end (it releases its PC/SC context on the way out)."""
        self._stop.set()
        with self._context_lock:
            if self._context is not None:
                # Wakes a SCardGetStatusChange in progress instead of waiting out its timeout.
                scard.SCardCancel(self._context)
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.error("PC/SC monitor thread did not stop within %.1f s", timeout)

    @property
    def running(self) -> bool:
        """True while the monitor thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> "PcscReaderMonitor":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- supervision -------------------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._attach()
            except _ServiceGone as exc:
                self._report_state(self.pattern, PCSCD_DOWN, str(exc))
            except Exception as exc:  # noqa: BLE001 - the supervisor must outlive any bug below it
                log.exception("PC/SC monitor failed; restarting it")
                self._report_state(self.pattern, PCSCD_DOWN, f"monitor error: {exc!r}")
            finally:
                self._release_context()
            if self._stop.wait(self._backoff_s):
                break
            self._backoff_s = min(self._backoff_s * 2, self.backoff_cap_s)

    def _attach(self) -> None:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _ServiceGone(f"SCardEstablishContext: {_error_text(hresult)}")
        with self._context_lock:
            self._context = context
        if self._stop.is_set():
            return
        self._backoff_s = _BACKOFF_START_S
        pnp_state = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            names = self._list_readers(context)
            reader = select_reader(names, self.pattern)
            if reader is None:
                available = ", ".join(names) or "none"
                self._report_state(self.pattern, ABSENT,
                                   f"no reader matches {self.pattern!r}; readers present: {available}")
                pnp_state = self._wait_for_readers_change(context, pnp_state)
                continue
            self._watch(context, reader)

    def _release_context(self) -> None:
        with self._context_lock:
            context, self._context = self._context, None
        if context is not None:
            scard.SCardReleaseContext(context)

    def _list_readers(self, context: int) -> list[str]:
        hresult, names = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _ServiceGone(f"SCardListReaders: {_error_text(hresult)}")
        return list(names)

    def _wait_for_readers_change(self, context: int, pnp_state: int) -> int:
        """Block up to one poll for a reader being plugged in, via pcsc-lite's PnP pseudo reader."""
        hresult, states = scard.SCardGetStatusChange(context, self.poll_ms, [(PNP_NOTIFICATION, pnp_state)])
        if hresult in _SERVICE_GONE:
            raise _ServiceGone(f"SCardGetStatusChange: {_error_text(hresult)}")
        if hresult == scard.SCARD_S_SUCCESS:
            return states[0][1] & ~scard.SCARD_STATE_CHANGED
        if hresult not in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
            # No PnP support in this PC/SC stack: poll the reader list instead.
            self._stop.wait(self.poll_ms / 1000)
        return pnp_state

    # -- one reader --------------------------------------------------------------------------------------------
    def _watch(self, context: int, reader: str) -> None:
        """Follow `reader` until it disappears or the monitor stops; read every card put on it."""
        known = scard.SCARD_STATE_UNAWARE
        card_on = False
        card_count = -1
        first = True
        while not self._stop.is_set():
            hresult, states = scard.SCardGetStatusChange(context, self.poll_ms, [(reader, known)])
            seen_mono, seen_at = time.monotonic(), datetime.now(timezone.utc)
            if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                continue
            if hresult in _SERVICE_GONE:
                raise _ServiceGone(f"SCardGetStatusChange: {_error_text(hresult)}")
            if hresult in _READER_GONE:
                log.warning("reader %s disappeared: %s", reader, _error_text(hresult))
                return
            if hresult != scard.SCARD_S_SUCCESS:
                log.warning("SCardGetStatusChange on %s: %s", reader, _error_text(hresult))
                self._stop.wait(self.poll_ms / 1000)
                return
            event_state = states[0][1]
            known = event_state & ~scard.SCARD_STATE_CHANGED
            if event_state & _READER_VANISHED_STATES:
                log.warning("reader %s disappeared (state 0x%X)", reader, event_state)
                return
            present = bool(event_state & scard.SCARD_STATE_PRESENT)
            # pcsc-lite counts insertions and removals in the high 16 bits: a change while "present" both times
            # means the card was swapped between two polls.
            count = (event_state >> 16) & 0xFFFF
            if first:
                first = False
                card_on, card_count = present, count
                self._report_state(reader, CONNECTED, f"watching {reader}")
                if present:
                    log.info("card already on %s when the monitor attached; it must be tapped again", reader)
                continue
            if present and (not card_on or count != card_count):
                if card_on:
                    self._emit(CardRemoved(reader=reader, at=seen_at, monotonic=seen_mono))
                card_on, card_count = True, count
                if event_state & scard.SCARD_STATE_MUTE:
                    self._emit_error(CardReadError(CARD_UNRESPONSIVE, "card gave no ATR (mute)"),
                                     reader, seen_at, seen_mono)
                else:
                    self._read_card(context, reader, seen_at, seen_mono)
            elif not present and card_on:
                card_on, card_count = False, count
                self._emit(CardRemoved(reader=reader, at=seen_at, monotonic=seen_mono))

    def _read_card(self, context: int, reader: str, seen_at: datetime, seen_mono: float) -> None:
        """Connect, send GET DATA and emit the UID, or a `CardError` and nothing else."""
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hresult, card, protocol = scard.SCardConnect(context, reader, scard.SCARD_SHARE_SHARED, protocols)
        if hresult != scard.SCARD_S_SUCCESS:
            self._fail_read(hresult, "SCardConnect", reader, seen_at, seen_mono)
            return
        try:
            hresult, response = scard.SCardTransmit(card, protocol, list(GET_UID_APDU))
            if hresult != scard.SCARD_S_SUCCESS:
                self._fail_read(hresult, "SCardTransmit", reader, seen_at, seen_mono)
                return
            try:
                uid = parse_get_uid_response(response)
            except CardReadError as exc:
                self._emit_error(exc, reader, seen_at, seen_mono)
                return
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        log.info("card %s on %s", uid, reader)
        self._emit(CardPresented(uid=uid, reader=reader, at=seen_at, monotonic=seen_mono))

    def _fail_read(self, hresult: int, call: str, reader: str, seen_at: datetime, seen_mono: float) -> None:
        detail = f"{call}: {_error_text(hresult)}"
        if hresult in _CARD_GONE:
            code = CARD_REMOVED_MID_READ
        elif hresult == scard.SCARD_W_UNRESPONSIVE_CARD:
            code = CARD_UNRESPONSIVE
        else:
            code = READER_ERROR
        self._emit_error(CardReadError(code, detail), reader, seen_at, seen_mono)
        if hresult in _SERVICE_GONE:
            raise _ServiceGone(detail)

    # -- output ------------------------------------------------------------------------------------------------
    def _emit_error(self, exc: CardReadError, reader: str, seen_at: datetime, seen_mono: float) -> None:
        log.warning("card on %s refused: %s", reader, exc)
        self._emit(CardError.from_exception(exc, reader, at=seen_at, monotonic=seen_mono))

    def _report_state(self, name: str, state: str, detail: str) -> None:
        """Emit a `ReaderState` when the state (or the reader it is about) changed, not on every retry."""
        if self._reported == (state, name):
            return
        self._reported = (state, name)
        log.log(logging.INFO if state == CONNECTED else logging.WARNING, "reader %r is %s: %s", name, state, detail)
        self._emit(ReaderState(name=name, state=state, detail=detail))

    def _emit(self, event: ReaderEvent) -> None:
        deliver(self._sink, event)
