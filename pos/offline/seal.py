"""Seals of offline charges and snapshots, as the server makes and checks them: the core's one definition
(:mod:`canteen.rules.offline_seal`), under the hash of this terminal's key."""
from __future__ import annotations

from canteen.rules.offline_seal import item_seal, key_hash, sealed, snapshot_seal


def seal_item(terminal_key: str, terminal_code: str, item: dict) -> str:
    """The seal of one offline charge."""
    return item_seal(key_hash(terminal_key), terminal_code, item)


def snapshot_ok(terminal_key: str, body: dict) -> bool:
    """True when a snapshot's ``hash`` is the server's seal over the rest of it."""
    return sealed(snapshot_seal(key_hash(terminal_key), body), body.get("hash"))
