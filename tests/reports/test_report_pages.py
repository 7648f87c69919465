"""Report pages: no 400 on a first visit, only the filters that apply, the period in the fields, quick ranges,
paged and sorted detail listings with time-of-day, meal, terminal and operator columns."""
import re

import pytest

from admin.report_views import REPORTS
from canteen.extensions import db
from canteen.models import Department, Terminal
from tests.admin.dataset import DAYS

PERIOD = {"start": DAYS[0].isoformat(), "end": DAYS[-1].isoformat()}


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_every_report_answers_a_first_visit_with_its_form(canteen, signed_in, key):
    client = signed_in("manager")
    response = client.get(f"/admin/reports/{key}")
    assert response.status_code == 200, _text(response)[:500]
    page = _text(response)
    assert 'id="filters"' in page
    # The date fields carry the period the page shows.
    assert re.search(r'name="end" id="end" value="\d{4}-\d{2}-\d{2}"', page)


def test_the_statement_asks_for_a_staff_number_and_then_shows_it(canteen, signed_in):
    client = signed_in("manager")
    first = _text(client.get("/admin/reports/statement"))
    assert 'id="prompt"' in first and "请输入工号" in first and 'name="person"' in first
    person = canteen.people[0]
    shown = client.get("/admin/reports/statement", query_string={**PERIOD, "person": person.staff_no})
    assert shown.status_code == 200
    assert person.name in _text(shown)
    missing = client.get("/admin/reports/statement", query_string={"person": "NO-SUCH"})
    assert missing.status_code == 400


@pytest.mark.parametrize("key,shown,hidden", [
    ("shifts", ["terminal"], ["department", "category", "meal_period"]),
    ("balances", ["department", "category"], ["terminal", "meal_period"]),
    ("funds", ["department", "category"], ["terminal", "meal_period"]),
    ("topups", ["department", "category", "terminal"], ["meal_period"]),
    ("consumption_detail", ["department", "category", "terminal", "meal_period"], []),
    ("statement", [], ["department", "category", "terminal", "meal_period"]),
])
def test_a_report_offers_only_the_filters_that_apply(canteen, signed_in, key, shown, hidden):
    page = _text(signed_in("manager").get(f"/admin/reports/{key}"))
    for name in shown:
        assert f'data-multi="{name}"' in page and f'type="checkbox" name="{name}"' in page, name
    for name in hidden:
        assert f'data-multi="{name}"' not in page, name
    assert "multiple" not in page  # no Ctrl-click list boxes
    assert ('name="start"' in page) == (key != "balances")


def test_quick_ranges_fill_the_date_fields(canteen, signed_in):
    client = signed_in("manager")
    page = _text(client.get("/admin/reports/headcount", query_string={"range": "1"}))
    today = re.search(r'name="end" id="end" value="([\d-]+)"', page).group(1)
    assert f'name="start" id="start" value="{today}"' in page
    for label in ("今天", "本周", "本月", "本年", "自定义"):
        assert label in page
    assert re.search(r'class="quick current"[^>]*>今天<', page)
    assert 'type="submit" class="quick' not in page  # Enter in a date field submits the form, not a quick range
    year = _text(client.get("/admin/reports/headcount", query_string={"range": "4"}))
    assert f'name="start" id="start" value="{today[:4]}-01-01"' in year


def test_a_dimension_the_report_does_not_use_is_ignored(canteen, signed_in):
    client = signed_in("manager")
    response = client.get("/admin/reports/shifts", query_string={**PERIOD, "department": "999999"})
    assert response.status_code == 200


def test_consumption_detail_pages_with_the_total_at_the_top(canteen, signed_in):
    client = signed_in("manager")
    page = _text(client.get("/admin/reports/consumption_detail", query_string=PERIOD))
    head = re.search(r'id="listing-count">共 ([\d,]+) 笔，第 1 / (\d+) 页（第 1–(\d+) 笔）', page)
    assert head, page[page.find("pager"):][:400]
    total = int(head.group(1).replace(",", ""))
    assert total > 50 and int(head.group(2)) == -(-total // 50) and head.group(3) == "50"
    assert page.index("listing-count") < page.index('id="report"')
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", page).group(1)
    for label in ("时间", "餐次", "终端", "操作员"):
        assert f">{label}<" in header
    rows = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[0].count("<tr>")
    assert rows == 50
    assert re.search(r'<td class="time">\d{2}:\d{2}:\d{2}</td>', page)


def test_the_next_page_keeps_the_filters_and_the_order(canteen, signed_in):
    client = signed_in("manager")
    department = db.session.query(Department).order_by(Department.id).first()
    args = {**PERIOD, "department": str(department.id), "sort": "amount", "desc": "1", "size": "50"}
    page = _text(client.get("/admin/reports/consumption_detail", query_string=args))
    links = [h.replace("&amp;", "&") for h in re.findall(r'<a class="sort[^"]*" href="([^"]+)"', page)]
    assert links
    for href in links:
        assert f"department={department.id}" in href and "page=1" in href and "size=50" in href
    follow = client.get(links[0])
    assert follow.status_code == 200 and 'id="listing-count"' in _text(follow)


def test_sorting_by_amount_orders_the_rows(canteen, signed_in):
    client = signed_in("manager")
    page = _text(client.get("/admin/reports/consumption_detail",
                            query_string={**PERIOD, "sort": "amount", "desc": "1", "size": "200"}))
    body = page.split("<tfoot>")[0]
    # Money reads ￥1,070.00 (refunds -￥8.00): the one money format of every page.
    amounts = [float(sign + a.replace(",", ""))
               for sign, a in re.findall(r'<td class="fen">(-?)￥([\d,]+\.\d\d)</td>', body)]
    assert amounts and amounts == sorted(amounts, reverse=True)


def test_terminal_filter_narrows_the_listing(canteen, signed_in):
    client = signed_in("manager")
    terminal = db.session.query(Terminal).order_by(Terminal.id).first()
    page = _text(client.get("/admin/reports/consumption_detail",
                            query_string={**PERIOD, "terminal": str(terminal.id), "size": "500"}))
    cells = re.findall(r'<td class="text">([^<]*)</td>', page)
    codes = {t.code for t in db.session.query(Terminal)}
    assert terminal.code in cells
    assert not (codes - {terminal.code}) & set(cells)


def test_the_report_has_a_print_layout_and_a_chart(canteen, signed_in):
    page = _text(signed_in("manager").get("/admin/reports/consumption", query_string=PERIOD))
    assert "reports.css" in page and 'data-print="1"' in page
    assert 'id="chart"' in page and "vendor/echarts/echarts.min.js" in page
    assert "<script>" not in page and "style=" not in page and "onclick" not in page


@pytest.mark.parametrize("path", ["/admin/compound/rectification/reports/figures",
                                  "/admin/compound/rectification/reports/ledger",
                                  "/admin/compound/vehicles/reports/fuel_statement"])
def test_compound_reports_ask_instead_of_refusing_a_first_visit(canteen, signed_in, path):
    response = signed_in("manager").get(path)
    assert response.status_code == 200, _text(response)[:300]
    assert 'id="prompt"' in _text(response)


def test_a_long_summary_is_paged_on_the_screen_with_totals_over_every_row(canteen, signed_in, monkeypatch):
    import admin.report_views as views

    monkeypatch.setattr(views, "SUMMARY_ROWS", 5)
    client = signed_in("manager")
    page = _text(client.get("/admin/reports/headcount", query_string=PERIOD))
    head = re.search(r'id="listing-count">共 (\d+) 行，第 1 / (\d+) 页（第 1–5 行）', page)
    assert head and int(head.group(1)) > 5
    body = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[0]
    assert body.count("<tr>") == 5
    second = _text(client.get("/admin/reports/headcount", query_string={**PERIOD, "page": "2"}))
    assert "第 2 / " in second


def test_a_year_is_listed_in_time_order_only(canteen, signed_in):
    client = signed_in("manager")
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    page = _text(client.get("/admin/reports/consumption_detail", query_string={**year, "sort": "amount", "desc": "1"}))
    assert "已按时间排序" in page
    assert not re.search(r'<a class="sort[^"]*" href="[^"]*sort=amount', page)
    assert "一个月以内" in page


#: Money written in a note: an amount with a decimal point (the one format is ￥1,234.50).
_AMOUNT = re.compile(r"(?<![\d,￥.])-?\d[\d,]*\.\d{2}(?!\d)")
#: A number of four digits or more without grouping (dates and the 1—11月 kind of span aside).
_UNGROUPED = re.compile(r"(?<![\d,.\-—])\d{4,}(?![\d\-—年月])")


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_every_report_note_writes_money_and_counts_in_the_one_format(app, canteen, key):
    """The lines under a report's table use :mod:`canteen.money`: ￥ and grouping for money, grouping for counts."""
    from werkzeug.datastructures import MultiDict

    from admin.report_views import run_report

    args = MultiDict({**PERIOD, "person": canteen.people[0].staff_no} if key == "statement" else PERIOD)
    with app.test_request_context():
        _filters, report, _listing = run_report(key, args)
    for note in report.notes:
        assert not [m for m in _AMOUNT.findall(note) if not note[note.index(m) - 1:].startswith("￥")], note
        assert not _UNGROUPED.findall(note), note
        assert not re.search(r"\d\s*元", note), note
