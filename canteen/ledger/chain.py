"""The hash chain over journal entries: the one definition of an entry's hash.

An entry's hash is SHA-256 over the previous entry's hash and the entry's text, where the text is the canonical
JSON of its fields and postings (:func:`entry_text`). The text is always made here, in Python; the SHA-256 of
``prev_hash || text`` is taken by :func:`link_hash` (SQLite, ``ledger verify``) or, on PostgreSQL, by the
database function ``canteen_entry_hash`` (migration ``a7c3e9f1b2d4``) once it has numbered the entry: the text is
split around the id (:func:`text_around_id`), so the database only puts the id it hands out between the two
parts. ``tests/canteen/test_chain_hash.py`` proves the two equal over hostile text.
"""
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

#: The PostgreSQL twin of :func:`link_hash`: ``canteen_entry_hash(prev_hash, before, id, after)``.
SQL_LINK_HASH = "canteen_entry_hash"
#: ``canteen_chain_hashes(prev_hash, first_id, befores[], afters[])``: the hashes of consecutive entries.
SQL_CHAIN_HASHES = "canteen_chain_hashes"


def entry_text(fields: dict, postings) -> str:
    """What the hash covers after the previous hash: the fields and postings as canonical JSON."""
    body = {name: _plain(fields.get(name)) for name in HASHED_FIELDS}
    body["postings"] = sorted([int(a), int(b)] for a, b in postings)
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def text_around_id(fields: dict, postings) -> tuple[bytes, bytes]:
    """The entry's text (UTF-8) before and after its id, whatever id `fields` holds:
    ``entry_text(fields with id N) == before + str(N) + after``."""
    text = entry_text(dict(fields, id=0), postings)
    # Keys are sorted and the ones before "id" hold numbers, dates or null, so the first match is the id's.
    before, found, after = text.partition('"id":0,')
    assert found, text
    return (before + '"id":').encode(), ("," + after).encode()


def link_hash(prev_hash: str, before: bytes, entry_id: int, after: bytes) -> str:
    """SHA-256 (hex) of the previous hash and the entry's text with its id in place (``canteen_entry_hash``)."""
    return hashlib.sha256(prev_hash.encode() + before + str(entry_id).encode() + after).hexdigest()


def entry_hash(prev_hash: str, fields: dict, postings) -> str:
    """The hash of the entry `fields` (its id included) with its postings, following `prev_hash`."""
    before, after = text_around_id(fields, postings)
    return link_hash(prev_hash, before, fields["id"], after)


def chain_hashes(prev_hash: str, first_id: int, texts: list[tuple[bytes, bytes]]) -> list[str]:
    """The hashes of consecutive entries numbered from `first_id` (``canteen_chain_hashes``)."""
    hashes = []
    for offset, (before, after) in enumerate(texts):
        prev_hash = link_hash(prev_hash, before, first_id + offset, after)
        hashes.append(prev_hash)
    return hashes


def _plain(value):
    """Dates and times as ISO text (UTC for times), everything else as it is."""
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    return value.isoformat()
