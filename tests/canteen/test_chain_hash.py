"""An entry's hash has one definition: the PostgreSQL function every PostgreSQL path uses (canteen_entry_hash,
canteen_chain_hashes) gives, byte for byte, what its Python twin gives (SQLite and ``ledger verify``), whatever
text the entry holds."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.ledger.chain import GENESIS, chain_hashes, entry_hash, entry_text, link_hash, text_around_id

HOSTILE = [
    "", "普通备注", '"id":0,', '","id":1,"x":"', "\\", "\\u0000", "'; DROP TABLE journal_entry; --", "\u2028\u2029",
    "🍜🥟" * 20, "\u200f\u202e反向文字", "e\u0301 é", "\x01\x1f\x7f", "\t\n\r", "{}[]:,", "null", "0" * 200,
    "\ud7ff\ue000\ufffd", "￥12.50 全角，标点。",
]


def _fields(memo: str, entry_id: int = 1234567) -> dict:
    return {"id": entry_id, "kind": "meal", "amount": 700, "method": "wallet",
            "created_dt": datetime(2026, 12, 7, 4, 10, 0, 5, tzinfo=timezone.utc), "business_date": date(2026, 12, 7),
            "person_id": 42, "card_id": None, "terminal_id": 3, "operator_id": None, "approver_id": None,
            "shift_id": None, "meal_period_id": 2, "original_id": None, "subsidy_batch_id": None,
            "idempotency_key": f"t3:{memo[:30]}", "memo": memo}


LEGS = [(17, -300), (18, -400), (5, 700)]


def test_the_text_around_the_id_is_the_entrys_text():
    for memo in HOSTILE:
        fields = _fields(memo)
        before, after = text_around_id(fields, LEGS)
        assert before + str(fields["id"]).encode() + after == entry_text(fields, LEGS).encode()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_hashes_every_hostile_text_as_python_does(app):
    prev = GENESIS
    texts = []
    for memo in HOSTILE:
        fields = _fields(memo)
        before, after = text_around_id(fields, LEGS)
        texts.append((before, after))
        in_database = db.session.scalar(select(func.canteen_entry_hash(prev, before, fields["id"], after)))
        assert in_database == link_hash(prev, before, fields["id"], after) == entry_hash(prev, fields, LEGS), memo
        prev = in_database
    chained = db.session.scalar(select(func.canteen_chain_hashes(
        GENESIS, 1000, [b for b, _ in texts], [a for _, a in texts])))
    assert chained == chain_hashes(GENESIS, 1000, texts)
    assert db.session.scalar(select(func.canteen_chain_hashes(GENESIS, 1, [], []))) == []
