"""The running till: settings, server client, event hub, health, reader supervisor and receipt desk together.

One :class:`Till` per terminal app (``app.extensions["pos"]``). :meth:`start` starts its threads (reader
supervisor, print queue worker, health monitor); :meth:`stop` ends them.
"""
from __future__ import annotations

import logging

from pos import receipts
from pos.api_client import ApiClient, ServerError
from pos.config import TerminalSettings
from pos.event_hub import EventHub
from pos.health import HealthBoard, HealthMonitor
from pos.offline.sync import OfflineLink
from pos.printing import ReceiptDesk
from pos.sequence import Sequence
from pos.supervisor import ReaderSupervisor

log = logging.getLogger(__name__)


class Till:
    """Everything one terminal runs, wired together."""

    def __init__(self, settings: TerminalSettings, *, health_interval: float = 5.0) -> None:
        self.settings = settings
        self.hub = EventHub()
        self.board = HealthBoard(self.hub)
        self.client = ApiClient(settings.server_url, settings.terminal_id, settings.terminal_key,
                                Sequence(settings.sequence_file), timeout=settings.timeout,
                                retries=settings.retries)
        self.desk = ReceiptDesk(settings.printer, settings.print_queue, self.hub, zone=settings.zone)
        self.offline = OfflineLink(settings.offline, self.client, settings.data_dir, settings.terminal_key,
                                   self.hub, self.board)
        self.offline.print_pending = self.desk.waiting
        self.supervisor = ReaderSupervisor(settings.reader, self.client, self.hub, self.board,
                                           on_charged=self._meal_receipt, offline=self.offline,
                                           cashier_idle_s=settings.cashier_idle_minutes * 60)
        self.monitor = HealthMonitor(self.board, self.client.health, self.desk.health, interval=health_interval)
        self.started = False

    def context(self, operator: str | None = None) -> receipts.Context:
        """Receipt header facts for this till and operator."""
        return receipts.Context(self.settings.canteen_name, self.settings.terminal_id, self.settings.zone, operator)

    def _meal_receipt(self, body: dict, uid: str) -> None:
        """A diner's receipt, when meal receipts are switched on (off by default: queues of paper nobody takes)."""
        if self.settings.meal_receipts:
            try:  # the number printed on the card, as on every other receipt
                card_no = receipts.card_number(self.client.get(f"/api/v1/cards/{uid}").body["card"])
            except ServerError:
                card_no = uid
            self.desk.enqueue(receipts.meal(self.context(), body, card_no))

    def start(self) -> "Till":
        """Start the reader supervisor, the print queue and the health monitor."""
        if not self.started:
            self.desk.start()
            self.supervisor.start()
            self.monitor.start()
            self.offline.start()
            self.started = True
            log.info("terminal %s started against %s (reader %s, printer %s)", self.settings.terminal_id,
                     self.settings.server_url, self.settings.reader.kind,
                     self.settings.printer.label if self.settings.printer else "none")
        return self

    def stop(self) -> None:
        """Stop every thread; queued receipts stay in the queue file."""
        if self.started:
            self.monitor.stop()
            self.offline.stop()
            self.supervisor.stop()
            self.desk.stop()
            self.started = False
