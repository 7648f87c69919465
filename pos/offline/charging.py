"""Charging a meal offline: from the snapshot, within the limits, into the outbox before success is shown."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from canteen.rules import refusals
from pos.offline import meal_rules
from pos.offline.config import OfflineSettings
from pos.offline.outbox import Outbox, OutboxDamaged
from pos.offline.snapshot import Snapshot

#: Refusals of offline mode, with what the page says (the words are :mod:`canteen.rules.refusals`').
MESSAGES = {code: refusals.text(code) for code in (
    "offline_disabled", "outbox_damaged", "no_snapshot", "snapshot_too_old", "outbox_full", "outbox_too_old",
    "unknown_card", "card_lost", "card_replaced", "card_cancelled", "outside_meal_period", "no_price",
    "offline_charge_limit", "offline_card_limit", "insufficient_balance", "repeated_tap", "meal_limit_reached",
    "daily_limit_reached")}


class OfflineRefused(Exception):
    """Offline charging refused; nothing was written."""

    def __init__(self, code: str, **data) -> None:
        super().__init__(code)
        self.code, self.message, self.data = code, refusals.text(code, "zh", data), data


class OfflineCharger:
    """Charges meals while the server is out of reach."""

    def __init__(self, settings: OfflineSettings, outbox: Outbox | None, snapshot: Snapshot,
                 damaged: str | None = None) -> None:
        self.settings, self.outbox, self.snapshot, self.damaged = settings, outbox, snapshot, damaged

    def charge(self, uid: str, *, online_key: str | None = None, now: datetime | None = None) -> dict:
        """Charge the meal open now to the card; the item is durable before this returns."""
        now = now or datetime.now(timezone.utc)
        item_args = self._check(uid, now)
        amount, name, meal, left = item_args
        try:
            item = self.outbox.add(uid, amount, now.isoformat(), self.snapshot.local_day(now), online_key)
        except OutboxDamaged:
            raise OfflineRefused("outbox_damaged") from None
        return {"offline": True, "seq": item["seq"], "amount": amount, "person": {"name": name},
                "meal_period": meal, "balance_left": left}

    def _check(self, uid: str, now: datetime) -> tuple[int, str, str | None, int]:
        limits = self.settings
        if not limits.enabled:
            raise OfflineRefused("offline_disabled")
        if self.outbox is None or self.damaged:
            raise OfflineRefused("outbox_damaged")
        age = self.snapshot.age_seconds(now)
        if age is None:
            raise OfflineRefused("no_snapshot")
        if age > limits.max_age_hours * 3600:
            raise OfflineRefused("snapshot_too_old")
        stats = self.outbox.stats()
        if stats.pending >= limits.max_items:
            raise OfflineRefused("outbox_full")
        if stats.oldest_pending and datetime.fromisoformat(stats.oldest_pending) < now - timedelta(
                hours=limits.max_age_hours):
            raise OfflineRefused("outbox_too_old")
        refusal = self.snapshot.refusal(uid)
        if refusal:
            raise OfflineRefused(refusal)
        card = self.snapshot.card(uid)
        if card is None:
            raise OfflineRefused("unknown_card")
        _, person_id, name, category_id, spendable = card[:5]
        meal, price = self.snapshot.price(category_id, now)
        if meal is None:
            raise OfflineRefused("outside_meal_period")
        if price is None:
            raise OfflineRefused("no_price")
        if price > limits.max_charge:
            raise OfflineRefused("offline_charge_limit")
        rule = meal_rules.refusal(self.snapshot, self.outbox, uid, person_id, category_id, price, now)
        if rule:
            raise OfflineRefused(rule)
        if self.outbox.spent(uid, day=self.snapshot.local_day(now)) + price > limits.card_day:
            raise OfflineRefused("offline_card_limit")
        left = spendable - self.outbox.spent(uid, after_seq=self.snapshot.settled_seq)
        if left < price:
            raise OfflineRefused("insufficient_balance", price=price, balance=left, name=name)
        return price, name, meal, left - price
