"""Receipt layout: money format, CJK column counting, wrapping, copies and the receipt's JSON round trip."""
import unicodedata
from datetime import datetime

import pytest

from printers import (Field, Receipt, format_fen, layout_receipt, meal_charge_receipt, receipt_text,
                      shift_report_receipt)
from printers.layout import QrCode, TextLine
from printers.textwidth import label_value, text_width, wrap

from . import samples
from .conftest import TAKEN_AT


def columns_of(line: str) -> int:
    """Columns by the rule the printer follows, computed independently of printers.textwidth."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)


@pytest.mark.parametrize(("fen", "text"), [(1250, "￥12.50"), (-300, "-￥3.00"), (0, "￥0.00"), (5, "￥0.05"),
                                           (-99, "-￥0.99"), (123456789, "￥1234567.89")])
def test_amounts_are_formatted_from_integer_fen(fen, text):
    assert format_fen(fen) == text


@pytest.mark.parametrize("bad", [12.5, 12.0, True, "1250"])
def test_money_that_is_not_integer_fen_is_refused(bad):
    with pytest.raises(TypeError):
        format_fen(bad)
    with pytest.raises(TypeError):
        Field("消费金额", bad)


def test_hanzi_and_full_width_signs_count_two_columns():
    assert text_width("消费金额") == 8
    assert text_width("￥12.50") == 7
    assert text_width("（短款）") == 8
    assert text_width("T01-000123") == 10


def test_wrapping_counts_columns_and_keeps_ascii_words_whole():
    assert wrap("区政府机关事务服务中心第一职工食堂", 16) == ["区政府机关事务服", "务中心第一职工食", "堂"]
    assert wrap("卡号 04A1B2C3D4E5F6", 12) == ["卡号", "04A1B2C3D4E5", "F6"]
    assert wrap("", 10) == [""]
    assert all(text_width(line) <= 16 for line in wrap("食堂" * 20 + " ABC DEF", 16))


def test_a_long_label_wraps_and_its_amount_stays_right_aligned_on_the_last_line():
    rows = label_value("职工食堂午餐套餐加大份含饮料", "￥15.00", 20)

    assert rows == ["职工食堂午餐", "套餐加大份含", "饮料         ￥15.00"]
    assert all(columns_of(row) <= 20 for row in rows)
    assert columns_of(rows[-1]) == 20


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize("kind", sorted(samples.ALL))
def test_every_line_fits_the_paper_and_amounts_end_at_the_right_edge(kind, columns):
    receipt = samples.ALL[kind]().as_copy(TAKEN_AT, "张三")
    lines = receipt_text(receipt, columns, qr=True).splitlines()

    assert all(columns_of(line) <= columns for line in lines)
    money_lines = [line for line in lines if line.rstrip().endswith(("0", "5")) and "￥" in line]
    assert money_lines
    assert all(columns_of(line) == columns for line in money_lines)


def test_double_size_title_wraps_at_half_the_columns():
    receipt = Receipt("notice", "区政府机关食堂就餐卡业务凭条", "食堂", "T01", TAKEN_AT)
    titles = [line for line in layout_receipt(receipt, 32) if isinstance(line, TextLine) and line.double]

    assert [line.text for line in titles] == ["区政府机关食堂就", "餐卡业务凭条"]
    assert all(text_width(line.text) * 2 <= 32 for line in titles)


def test_a_reprint_is_marked_copy_at_the_top_and_says_when_and_by_whom():
    copy = samples.top_up().as_copy(datetime(2025, 3, 4, 12, 30), "赵六")
    elements = layout_receipt(copy, 32)

    assert elements[0] == TextLine("【副本】", "center", bold=True, double=True)
    text = receipt_text(copy, 32)
    assert text.endswith("本单为副本（重打）\n重打时间：2025-03-04 12:30:00\n重打人：赵六\n[CUT]\n")
    assert "副本" not in receipt_text(samples.top_up(), 32)


def test_qr_code_of_the_entry_number_is_optional():
    assert layout_receipt(samples.meal_charge(), 32, qr=True)[-1] == QrCode("T01-000123")
    assert not any(isinstance(e, QrCode) for e in layout_receipt(samples.meal_charge(), 32))
    assert not any(isinstance(e, QrCode) for e in layout_receipt(samples.shift_report(), 32, qr=True))


def test_a_shift_report_counts_and_amounts_line_up_in_columns():
    lines = receipt_text(samples.shift_report(), 32).splitlines()
    rows = [line for line in lines if "笔" in line]

    assert len({columns_of(line.split("笔")[0]) for line in rows}) == 1
    assert "差额（短款）             -￥3.00" in lines
    over = receipt_text(shift_report_receipt(
        canteen="食堂", terminal="T01", operator="张三", shift_no="S1", opened_at=TAKEN_AT, closed_at=TAKEN_AT,
        operations=[], methods=[], expected_cash=100, counted_cash=150), 32)
    assert "差额（长款）" in over and "按业务统计" not in over


def test_a_receipt_survives_its_json_round_trip_unchanged():
    for build in samples.ALL.values():
        receipt = build().as_copy(datetime(2025, 3, 4, 13, 0), "张三")
        assert Receipt.from_dict(receipt.to_dict()) == receipt


def test_builders_refuse_inconsistent_splits():
    with pytest.raises(ValueError):
        meal_charge_receipt(**samples.COMMON, entry_no="1", person="李四", card_no="1", amount=100,
                                    subsidy_paid=150, cash_balance=0)


def test_paper_narrower_than_a_receipt_is_refused():
    with pytest.raises(ValueError):
        layout_receipt(samples.meal_charge(), 20)
