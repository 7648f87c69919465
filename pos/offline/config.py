"""Offline settings and limits, from ``CANTEEN_TERMINAL_OFFLINE_*`` keys.

| key                                        | default | meaning                                              |
|--------------------------------------------|---------|------------------------------------------------------|
| `CANTEEN_TERMINAL_OFFLINE`                 | `1`     | charge meals offline when the server is out of reach |
| `CANTEEN_TERMINAL_OFFLINE_MAX_CHARGE`      | `3000`  | the most one offline charge may be, fen              |
| `CANTEEN_TERMINAL_OFFLINE_CARD_DAY`        | `6000`  | the most one card may spend offline per day, fen     |
| `CANTEEN_TERMINAL_OFFLINE_MAX_ITEMS`       | `5000`  | unsynced charges the outbox may hold                 |
| `CANTEEN_TERMINAL_OFFLINE_MAX_AGE_HOURS`   | `24`    | the oldest unsynced charge (and snapshot) allowed    |
| `CANTEEN_TERMINAL_OFFLINE_PROBE_SECONDS`   | `0.5`   | how often the server is probed (timeout the same)    |
| `CANTEEN_TERMINAL_OFFLINE_SNAPSHOT_SECONDS`| `60`    | how often the snapshot is refreshed while online     |
| `CANTEEN_TERMINAL_OFFLINE_POLL_SECONDS`    | `2`     | blacklist version polling (fallback of the push)     |
| `CANTEEN_TERMINAL_OFFLINE_BATCH`           | `200`   | offline charges sent per sync request                |
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

PREFIX = "CANTEEN_TERMINAL_OFFLINE"


@dataclass(frozen=True)
class OfflineSettings:
    """How offline mode behaves and what it allows."""

    enabled: bool = True
    max_charge: int = 3000
    card_day: int = 6000
    max_items: int = 5000
    max_age_hours: float = 24.0
    probe_seconds: float = 0.5
    snapshot_seconds: float = 60.0
    poll_seconds: float = 2.0
    batch: int = 200

    def __post_init__(self) -> None:
        if min(self.max_charge, self.card_day, self.max_items, self.batch) <= 0 or self.batch > 1000:
            raise ValueError("offline limits must be positive (batch at most 1000)")
        if min(self.max_age_hours, self.probe_seconds, self.snapshot_seconds, self.poll_seconds) <= 0:
            raise ValueError("offline ages and intervals must be positive")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "OfflineSettings":
        """Settings from ``CANTEEN_TERMINAL_OFFLINE*`` keys; a bad value fails at startup."""
        def get(suffix: str, default: Any) -> Any:
            value = mapping.get(PREFIX + suffix)
            return default if value in (None, "") else value

        return cls(
            enabled=str(get("", "1")).strip().lower() in {"1", "true", "yes", "on"},
            max_charge=int(get("_MAX_CHARGE", 3000)), card_day=int(get("_CARD_DAY", 6000)),
            max_items=int(get("_MAX_ITEMS", 5000)), max_age_hours=float(get("_MAX_AGE_HOURS", 24)),
            probe_seconds=float(get("_PROBE_SECONDS", 0.5)),
            snapshot_seconds=float(get("_SNAPSHOT_SECONDS", 60)), poll_seconds=float(get("_POLL_SECONDS", 2)),
            batch=int(get("_BATCH", 200)),
        )
