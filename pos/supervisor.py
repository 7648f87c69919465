"""The reader supervisor: one thread that turns card events into charges and page events.

It opens the configured reader (`cardreader.open_reader`) with a queue as its sink, plus a keyboard-wedge
reader fed by the page, and handles each event in order:

* diner mode: a `CardPresented` becomes one ``POST /taps``; the green or red result goes to the page as ``tap``;
* cashier mode (an operator is signed in at this till): the card is looked up and offered to the cashier's form
  as ``card``, nothing is charged; the diner page says so, and the mode ends after the configured inactivity;
* `CardError` becomes a red ``tap`` (or ``card_error``) with the reader's plain-words reason;
* `CardRemoved` is passed on as ``card_removed``;
* `ReaderState` updates the reader's status light.

If the reader cannot be opened, or stops running, it is opened again with a backoff, and the page shows why.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from cardreader import (
    CONNECTED,
    CardError,
    CardPresented,
    CardRemoved,
    ReaderSettings,
    ReaderState,
    WedgeReader,
    open_reader,
)
from pos import outcomes
from pos.api_client import ApiClient, ServerError, ServerUnreachable
from pos.event_hub import EventHub
from pos.health import HealthBoard
from pos.status_words import READER_NOT_OPENED, READER_STATES

log = logging.getLogger(__name__)
_BACKOFF_CAP_S = 5.0


class ReaderSupervisor:
    """Owns the reader and the thread that acts on its events."""

    def __init__(self, settings: ReaderSettings, client: ApiClient, hub: EventHub, board: HealthBoard,
                 on_charged: Callable[[dict, str], None] | None = None, offline=None, *,
                 cashier_idle_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.client, self.hub, self.board = settings, client, hub, board
        self.offline = offline
        self.on_charged = on_charged
        self.events: queue.Queue = queue.Queue()
        self.wedge = WedgeReader(self.events.put, settings.wedge_format,
                                 max_gap_s=settings.wedge_max_gap_ms / 1000)
        self.reader = None
        self._cashier = threading.Event()
        self.cashier_idle_s, self._clock = cashier_idle_s, clock
        self._cashier_seen = clock()
        #: Bumped whenever cashier mode ends (sign-out or inactivity): a browser session signed in under an older
        #: epoch is signed out too (see pos.views.common).
        self.cashier_epoch = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- mode ----------------------------------------------------------------------------------------------
    @property
    def cashier_mode(self) -> bool:
        """True while an operator is signed in: taps fill the cashier's form instead of charging a meal."""
        return self._cashier.is_set()

    def set_cashier_mode(self, on: bool) -> None:
        """Switch between diner mode and cashier mode, and tell the pages (the diner page shows 收银中，暂停刷卡
        while a cashier is signed in)."""
        self._cashier_seen = self._clock()
        if not on and self._cashier.is_set():
            self.cashier_epoch += 1
        (self._cashier.set if on else self._cashier.clear)()
        self.hub.publish("mode", {"mode": "cashier" if on else "diner"}, sticky=True)

    def touch_cashier(self) -> None:
        """The cashier did something at this till (a page, an action, a card): the inactivity clock restarts."""
        self._cashier_seen = self._clock()

    def expire_cashier(self, now: float | None = None) -> bool:
        """End cashier mode if the cashier has been inactive for `cashier_idle_s` (CANTEEN_TERMINAL_CASHIER_IDLE_
        MINUTES): a closed tab must not stop meal charging for the rest of the day. True if it ended now."""
        now = self._clock() if now is None else now
        if self.cashier_mode and now - self._cashier_seen >= self.cashier_idle_s:
            log.info("cashier inactive for %.0f s: back to diner mode", now - self._cashier_seen)
            self.set_cashier_mode(False)
            return True
        return False

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> "ReaderSupervisor":
        """Open the reader and start handling its events."""
        self.set_cashier_mode(False)
        self.wedge.start()
        self._thread = threading.Thread(target=self._run, name="pos-reader", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the reader and the thread."""
        self._stop.set()
        self.events.put(None)
        if self._thread is not None:
            self._thread.join(10)
        if self.reader is not None:
            self.reader.stop()
        self.wedge.stop()

    def feed_wedge(self, burst: str) -> None:
        """A burst typed by a keyboard-wedge reader into the page (without its Enter)."""
        self.wedge.feed_burst(burst)

    def _ensure_reader(self, backoff: list[float]) -> None:
        """(Re)open the reader when it is not running; remember when to try again after a failure."""
        if self.reader is not None and self.reader.running:
            return
        if time.monotonic() < backoff[1]:
            return
        if self.reader is not None:
            log.error("card reader %s stopped running; opening it again", self.settings.kind)
            self.reader.stop()
            self.reader = None
        try:
            self.reader = open_reader(self.settings, self.events.put)
            backoff[0] = 0.5
        except Exception as exc:  # noqa: BLE001 - a missing driver or library must not stop the terminal
            log.exception("card reader %s could not be opened", self.settings.kind)
            self.board.set("reader", False, READER_NOT_OPENED, args={"error": str(exc)})
            backoff[1] = time.monotonic() + backoff[0]
            backoff[0] = min(backoff[0] * 2, _BACKOFF_CAP_S)

    def _run(self) -> None:
        backoff = [0.5, 0.0]
        while not self._stop.is_set():
            self._ensure_reader(backoff)
            self.expire_cashier()
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if event is None:
                break
            try:
                self.handle(event)
            except Exception:  # noqa: BLE001 - one bad event must not stop the till
                log.exception("handling %r failed", event)

    # -- events --------------------------------------------------------------------------------------------
    def handle(self, event) -> None:
        """Act on one reader event."""
        if isinstance(event, ReaderState):
            if event.name == self.wedge.name and self.settings.kind != "wedge":
                return  # the always-on wedge input must not mask the real reader's state
            self.board.set("reader", event.state == CONNECTED, READER_STATES[event.state], name=event.name)
        elif isinstance(event, CardPresented):
            if self.cashier_mode:
                self._offer_card(event)
            else:
                self._tap(event)
        elif isinstance(event, CardRemoved):
            self.hub.publish("card_removed", {"reader": event.reader, "seen": event.monotonic})
        elif isinstance(event, CardError):
            log.warning("card refused by reader %s: %s (%s)", event.reader, event.code, event.detail)
            name = "card_error" if self.cashier_mode else "tap"
            self.hub.publish(name, outcomes.refused(event.code, event.message, seen=event.monotonic))

    def _tap(self, event: CardPresented) -> None:
        """Charge the meal for a diner's tap and show the result (with where the time went, for diagnosis)."""
        asked = time.monotonic()
        refusal = self.offline.snapshot.refusal(event.uid) if self.offline is not None else None
        reply = None
        if refusal:  # blacklisted here (pushed or polled): refused without asking anyone
            result = outcomes.refused(refusal, None, seen=event.monotonic, uid=event.uid)
        elif self.offline is not None and self.offline.settings.enabled and not self.offline.online:
            result = self._offline_tap(event, None)
        else:
            try:
                reply = self.client.post("/api/v1/taps", {"uid": event.uid})
            except ServerUnreachable as exc:
                if self.offline is None or not self.offline.settings.enabled:
                    result = outcomes.refused(exc.code, exc.message, seen=event.monotonic, uid=event.uid)
                else:
                    self.offline.went_offline()
                    result = self._offline_tap(event, exc.body.get("key"))
            except ServerError as exc:
                log.info("tap %s refused: %s", event.uid, exc)
                result = outcomes.refused(exc.code, exc.message, seen=event.monotonic, uid=event.uid,
                                          data=exc.body.get("error"))
            else:
                result = outcomes.charged(reply.body, seen=event.monotonic, uid=event.uid)
        result["timing"] = {"read_ms": round((asked - event.monotonic) * 1000, 1),
                            "server_ms": round((time.monotonic() - asked) * 1000, 1)}
        self.hub.publish("tap", result)
        if result["state"] != "ok":
            return
        if self.on_charged is not None and reply is not None:
            self.on_charged(reply.body, event.uid)

    def _offline_tap(self, event: CardPresented, online_key: str | None) -> dict:
        """Charge offline; `online_key` is the online tap's key when its outcome is unknown (booked once)."""
        from pos.offline.charging import OfflineRefused

        try:
            body = self.offline.charger.charge(event.uid, online_key=online_key)
        except OfflineRefused as exc:
            log.info("offline tap %s refused: %s", event.uid, exc.code)
            return outcomes.refused(exc.code, exc.message, seen=event.monotonic, uid=event.uid, data=exc.data)
        return outcomes.charged_offline(body, seen=event.monotonic, uid=event.uid)

    def _offer_card(self, event: CardPresented) -> None:
        """In cashier mode: look the card up and hand it to the cashier's form."""
        self.touch_cashier()
        data = {"uid": event.uid, "seen": event.monotonic, "known": False}
        try:
            body = self.client.get(f"/api/v1/cards/{event.uid}").body
            data.update(known=True, card=body["card"], person=body["person"], balances=body["balances"])
        except ServerError as exc:
            data.update(code=exc.code, message=exc.message)
        self.hub.publish("card", data)
