"""The hash chain over journal entries: each entry's hash covers its content and its predecessor's hash."""
import hashlib
import json
from datetime import datetime, timezone

#: The chain's anchor: what the first entry's ``prev_hash`` is.
GENESIS = "0" * 64

#: Entry fields covered by the hash, in order.
HASHED_FIELDS = (
    "id", "kind", "amount", "method", "created_dt", "business_date", "person_id", "card_id",
    "terminal_id", "operator_id", "approver_id", "shift_id", "meal_period_id", "original_id",
    "subsidy_batch_id", "idempotency_key", "memo",
)


def entry_hash(prev_hash: str, fields: dict, postings: list[tuple[int, int]]) -> str:
    """SHA-256 over the previous hash, the entry's fields and its postings sorted by account."""
    body = {name: _plain(fields.get(name)) for name in HASHED_FIELDS}
    body["postings"] = sorted([int(a), int(b)] for a, b in postings)
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _plain(value):
    """Dates and times as ISO text (UTC for times), everything else as it is."""
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return value.isoformat()
