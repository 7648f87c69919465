"""Seals: HMAC-SHA256 under SHA-256 of the terminal key, the same as the server computes
(`canteen.services.offline.seal` and `canteen.services.blacklist.snapshot_hash`)."""
from __future__ import annotations

import hashlib
import hmac
import json


def _key(terminal_key: str) -> bytes:
    return hashlib.sha256(terminal_key.encode()).hexdigest().encode()


def seal_item(terminal_key: str, terminal_code: str, item: dict) -> str:
    """The seal of one offline charge."""
    body = {"terminal": terminal_code, "seq": item["seq"], "uid": item["uid"], "amount": item["amount"],
            "tapped_at": item["tapped_at"], "online_key": item.get("online_key")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(_key(terminal_key), text.encode(), hashlib.sha256).hexdigest()


def snapshot_ok(terminal_key: str, body: dict) -> bool:
    """True when a snapshot's ``hash`` is the server's seal over the rest of it."""
    text = json.dumps({k: v for k, v in body.items() if k != "hash"}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    expected = hmac.new(_key(terminal_key), text.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(body.get("hash", "")))
