"""A terminal's offline parts (outbox, snapshot, charger, sync) against a real server, without the reader."""
from __future__ import annotations

from pathlib import Path

from pos.api_client import ApiClient
from pos.event_hub import EventHub
from pos.health import HealthBoard
from pos.offline.config import OfflineSettings
from pos.offline.sync import OfflineLink
from pos.sequence import Sequence

#: Limits wide enough for bulk tests (one card may be tapped many times a day).
WIDE = OfflineSettings(card_day=10**9, max_items=100_000, max_charge=10**6)


def offline_link(server_url: str, code: str, key: str, data_dir: Path, settings: OfflineSettings = WIDE,
                 timeout: float = 5.0) -> OfflineLink:
    """An offline link for terminal `code`, its threads not started (the test drives it)."""
    client = ApiClient(server_url, code, key, Sequence(data_dir / "sequence"), timeout=timeout, retries=1,
                       retry_pause=0.1)
    hub = EventHub()
    return OfflineLink(settings, client, data_dir, key, hub, HealthBoard(hub))


def sealed(key: str, code: str, seq: int, uid: str, amount: int, tapped_at: str, online_key=None) -> dict:
    """An offline item as a terminal sends it."""
    from pos.offline.seal import seal_item

    item = {"seq": seq, "uid": uid, "amount": amount, "tapped_at": tapped_at, "online_key": online_key}
    item["mac"] = seal_item(key, code, item)
    return item
