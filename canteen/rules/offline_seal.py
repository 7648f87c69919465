"""Seals of what an offline terminal and the server hand each other (脱机数据校验): HMAC-SHA256 under the SHA-256 of
the terminal's key, which both know (the server keeps only that hash). The terminal seals each offline charge, the
server checks it; the server seals each snapshot, the terminal checks it. One definition for both sides.
"""
import hashlib
import hmac
import json


def key_hash(terminal_key: str) -> str:
    """What the server keeps of a terminal's key (hex SHA-256), and what seals are made under."""
    return hashlib.sha256(terminal_key.encode()).hexdigest()


def _mac(hashed_key: str, body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(hashed_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def item_seal(hashed_key: str, terminal_code: str, item: dict) -> str:
    """The seal over an offline charge's content (everything but the seal itself)."""
    return _mac(hashed_key, {"terminal": terminal_code, "seq": item["seq"], "uid": item["uid"],
                             "amount": item["amount"], "tapped_at": item["tapped_at"],
                             "online_key": item.get("online_key")})


def snapshot_seal(hashed_key: str, body: dict) -> str:
    """The seal over a snapshot (everything but its ``hash``)."""
    return _mac(hashed_key, {k: v for k, v in body.items() if k != "hash"})


def sealed(expected: str, given) -> bool:
    """Whether `given` is the seal `expected`, compared in constant time (as bytes: any text may be given)."""
    return hmac.compare_digest(expected.encode(), str(given or "").encode())
