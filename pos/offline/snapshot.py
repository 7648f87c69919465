"""The local snapshot: cards, spendable balances, blacklist, meal periods and prices, checked by its seal.

A snapshot whose seal fails is refused and the previous one kept. Blacklist changes pushed or polled between two
snapshots are applied on top, so a lost card is refused at once, online or offline.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from pos.offline.seal import snapshot_ok


class SnapshotInvalid(Exception):
    """A snapshot that fails its integrity check."""


class Snapshot:
    """The verified snapshot in memory, persisted so a restarted terminal can charge offline at once."""

    def __init__(self, path: str | Path, terminal_key: str) -> None:
        self.path, self._key = Path(path), terminal_key
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.body: dict | None = None
        self.cards: dict[str, list] = {}
        self.blacklist: dict[str, str] = {}
        self.version = 0
        #: The outbox sequence settled when this snapshot was taken: later offline charges are not in it.
        self.settled_seq = 0
        if self.path.exists():
            try:
                stored = json.loads(self.path.read_text())
                self.replace(stored["snapshot"], stored.get("settled_seq", 0), persist=False)
            except (ValueError, KeyError, TypeError, SnapshotInvalid):
                self.body = None

    def replace(self, body: dict, settled_seq: int, *, persist: bool = True) -> None:
        """Install a new snapshot after checking its seal; raises SnapshotInvalid and keeps the old one."""
        if not isinstance(body, dict) or not snapshot_ok(self._key, body):
            raise SnapshotInvalid("snapshot fails its integrity check")
        cards = {row[0]: row for row in body["cards"]}
        blacklist = {uid: state for uid, state in body["blacklist"]}
        with self._lock:
            self.body, self.cards, self.blacklist = body, cards, blacklist
            self.version, self.settled_seq = int(body["version"]), settled_seq
        if persist:
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"snapshot": body, "settled_seq": settled_seq}, ensure_ascii=False))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)

    def apply_changes(self, version: int, changes: list[dict]) -> None:
        """Card state changes since the snapshot: refused cards leave the card list at once."""
        with self._lock:
            for change in changes:
                if change["state"] == "active":
                    self.blacklist.pop(change["uid"], None)
                else:
                    self.blacklist[change["uid"]] = change["state"]
                    self.cards.pop(change["uid"], None)
            self.version = max(self.version, version)

    def refusal(self, uid: str) -> str | None:
        """``card_lost`` / ``card_replaced`` / ``card_cancelled`` if the card is blacklisted here."""
        with self._lock:
            state = self.blacklist.get(uid)
        return f"card_{state}" if state else None

    def card(self, uid: str) -> list | None:
        """[uid, person id, name, category id, spendable fen] of an active card."""
        with self._lock:
            return self.cards.get(uid)

    def age_seconds(self, now: datetime) -> float | None:
        """How old the snapshot is, by its generation time."""
        if self.body is None:
            return None
        return (now - datetime.fromisoformat(self.body["generated_at"])).total_seconds()

    def period_at(self, now: datetime) -> dict | None:
        """The meal period open at `now`, by the snapshot's time zone."""
        if self.body is None:
            return None
        when = now.astimezone(ZoneInfo(self.body["timezone"]))
        at = when.time().replace(tzinfo=None)
        for period in self.body["periods"]:
            if str(when.isoweekday()) in period["weekdays"] and \
                    time.fromisoformat(period["start"]) <= at < time.fromisoformat(period["end"]):
                return period
        return None

    def price(self, category_id: int, now: datetime) -> tuple[str | None, int | None]:
        """(meal name, price) of the meal open at `now` for the category, by the snapshot's time zone."""
        period = self.period_at(now)
        if period is None:
            return None, None
        return period["name"], period["prices"].get(str(category_id))

    def local_day(self, now: datetime) -> str:
        """The canteen's local date of `now`."""
        zone = ZoneInfo(self.body["timezone"]) if self.body else timezone.utc
        return now.astimezone(zone).date().isoformat()
