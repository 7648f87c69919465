"""Exports read back with openpyxl carry the page's figures; the work summary matches the reports."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from canteen import reports
from canteen.clock import business_date, utcnow
from canteen.extensions import db
from canteen.reports import Filters
from tests.admin.dataset import DAYS

PERIOD = {"start": DAYS[0].isoformat(), "end": DAYS[-1].isoformat()}


def _sheet(response):
    assert response.status_code == 200, response.get_data()[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.get_data())).active


def _fen(value) -> int:
    return int(Decimal(str(value)) * 100)


@pytest.mark.parametrize("key,kwargs", [
    ("headcount", {}), ("consumption", {"by": "department"}), ("consumption", {"by": "month"}),
    ("consumption_detail", {}), ("topups", {"by": "operator"}), ("topup_detail", {}), ("refunds", {}),
    ("balances", {}), ("cards", {}), ("terminal_daily", {}), ("funds", {}),
])
def test_each_export_carries_the_reports_figures(canteen, signed_in, key, kwargs):
    client = signed_in("manager")
    sheet = _sheet(client.get(f"/admin/reports/{key}/export.xlsx", query_string={**PERIOD, **kwargs}))
    from admin.report_views import REPORTS

    spec = REPORTS[key]
    extra = {"by": kwargs["by"]} if "by" in kwargs else {}
    report = spec.run(db.session, Filters(start=DAYS[0], end=DAYS[-1]), **extra)
    header = [c.value for c in sheet[4]]
    assert header[:len(report.columns)] == [c.label + ("（元）" if c.kind == "fen" else "") for c in report.columns]
    for offset, row in enumerate(report.rows):
        cells = [c.value for c in sheet[5 + offset]]
        for index, column in enumerate(report.columns):
            value, cell = row.get(column.key), cells[index]
            if column.kind == "fen":
                assert (None if cell is None else _fen(cell)) == value, (key, offset, column.key)
            elif column.kind == "int":
                assert cell == value, (key, offset, column.key)
            elif column.kind == "text":
                assert (cell or "") == (value or ""), (key, offset, column.key)
    if report.rows and any(c.key in report.totals and c.kind in ("fen", "int") for c in report.columns[1:]):
        totals = [c.value for c in sheet[5 + len(report.rows)]]
        assert totals[0] == "合计"
        for index, column in enumerate(report.columns[1:], 1):
            if column.key in report.totals and column.kind == "fen":
                assert _fen(totals[index]) == report.totals[column.key]
            elif column.key in report.totals and column.kind == "int":
                assert totals[index] == report.totals[column.key]


def test_the_work_summary_fills_every_figure_from_the_reports(canteen, signed_in):
    client = signed_in("auditor")
    f = Filters(start=DAYS[0], end=DAYS[-1])
    heads = reports.headcount(db.session, f).totals
    cards = reports.card_report(db.session, f).totals
    topups = reports.topup_summary(db.session, f).totals
    spent = reports.consumption_summary(db.session, f).totals
    text = client.get("/admin/summary.txt", query_string=PERIOD).get_data(as_text=True)
    money = lambda fen: f"{fen // 100}.{fen % 100:02d}"  # noqa: E731
    assert text.strip().startswith(
        f"截至目前，就餐人数达{heads['visits']}人次，个人充值{money(topups['amount'])}元、个人消费{money(spent['net'])}元，"
        f"清理清退{cards['cancelled']}人次、清退现金{money(cards['cancelled_cash'])}元，新办补办就餐卡{cards['issued']}张，"
        f"平均每餐就餐人数约{heads['average_per_meal']}人。中午就餐人数最多时{heads['busiest_lunch']}人。"
        f"含来宾接待用餐，共供餐{heads['all_visits']}人次")
    assert cards["issued"] == 14 and cards["cancelled"] == 2 and heads["busiest_lunch"] > 0
    page = client.get("/admin/summary", query_string=PERIOD).get_data(as_text=True)
    for report in ("headcount", "topups", "consumption", "cards"):
        assert f'/admin/reports/{report}?start={PERIOD["start"]}&amp;end={PERIOD["end"]}' in page
    assert f'data-key="visits" href="/admin/reports/headcount?start={PERIOD["start"]}' in page
    sheet = _sheet(client.get("/admin/summary.xlsx", query_string=PERIOD))
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3) if row[0].value}
    assert values["就餐人次（职工）（人次）"] == heads["visits"]
    assert values["供餐人次（含来宾）（人次）"] == heads["all_visits"]
    assert 'href="/admin/definitions#def-visits"' in page  # every figure links to its written definition
    assert _fen(values["个人充值（元）"]) == topups["amount"]
    assert _fen(values["清退现金（元）"]) == cards["cancelled_cash"]
    assert values["文字"] == text.strip()


def test_an_export_never_turns_a_name_into_a_formula(world, signed_in):
    person = world.person(name="=HYPERLINK(\"http://x\")")
    world.top_up(person, 1000)
    client = signed_in("manager")
    today = business_date(utcnow(), "Asia/Shanghai").isoformat()
    sheet = _sheet(client.get("/admin/reports/balances/export.xlsx", query_string={"start": today, "end": today}))
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert "=HYPERLINK(\"http://x\")" in names
    cell = next(c for c in sheet["B"] if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"
