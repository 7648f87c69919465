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
    return hashlib.sha256((prev_hash + entry_text(fields, postings)).encode()).hexdigest()


def entry_text(fields: dict, postings: list[tuple[int, int]]) -> str:
    """What the hash covers after the previous hash: the fields and postings as canonical JSON."""
    body = {name: _plain(fields.get(name)) for name in HASHED_FIELDS}
    body["postings"] = sorted([int(a), int(b)] for a, b in postings)
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_text_around_id(fields: dict, postings: list[tuple[int, int]]) -> tuple[bytes, bytes]:
    """The entry's text (UTF-8) before and after its id, for the database to hash once it numbers the entry:
    ``entry_hash(prev, fields) == sha256(prev + before + str(id) + after)``."""
    text = entry_text(dict(fields, id=0), postings)
    # Keys are sorted and the ones before "id" hold numbers, dates or null, so the first match is the id's.
    before, found, after = text.partition('"id":0,')
    assert found, text
    return (before + '"id":').encode(), ("," + after).encode()


def _plain(value):
    """Dates and times as ISO text (UTC for times), everything else as it is."""
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return value.isoformat()


def chained(head_id: int, head_hash: str, refs: dict, legs: dict[int, int]) -> dict:
    """The entry's columns (`refs`) as the next link after the chain's head: id, prev_hash and hash added."""
    fields = dict(refs, id=head_id + 1)
    fields["hash"] = entry_hash(head_hash, fields, list(legs.items()))
    fields["prev_hash"] = head_hash
    return fields
