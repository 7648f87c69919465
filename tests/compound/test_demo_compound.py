"""The demo's sample records of the service modules fill the year-end document's module figures."""
from datetime import date

from canteen.compound.yearbook import build
from canteen.demo.compound import seed_compound
from canteen.extensions import db


def test_the_compound_demo_fills_every_module_paragraph(app):
    s = db.session
    assert seed_compound(s, date(2026, 12, 8)).startswith("compound sample data:")
    canteen = {"visits": "1", "visits_all": "1", "top_up": "1.00", "consumption": "1.00", "cancelled": "0",
               "cancelled_cash": "0.00", "cards_issued": "1", "average_per_meal": "1", "average_per_meal_all": "1",
               "busiest_lunch": "1", "busiest_lunch_all": "1"}
    book = build(s, 2026, canteen)
    for paragraph in book.paragraphs:
        if paragraph.heading.startswith(("（二）", "（三）", "（四）", "（五）", "（六）", "（七）")):
            assert "【待填】" not in paragraph.text and "无数据" not in paragraph.text, paragraph.heading
    rectification = book.paragraphs[0].text
    assert "制定整改措施24条" in rectification and "修订完善了4项工作制度" in rectification
    energy = book.paragraphs[2].text
    assert "1—11月综合能耗" in energy and "同比下降" in energy
    assert "二是科级领导超标办公室已完成工程改造1套" in book.paragraphs[1].text
    assert seed_compound(s, date(2026, 12, 8)).startswith("compound sample data not added")
