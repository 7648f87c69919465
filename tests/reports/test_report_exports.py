"""Exports: Chinese file and sheet names, the header row frozen and filtered, real numbers, dates and times."""
import io
from datetime import date, time
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from admin.report_views import REPORTS
from admin.xlsx import COUNT_FORMAT, MONEY_FORMAT
from tests.admin.dataset import DAYS

PERIOD = {"start": DAYS[0].isoformat(), "end": DAYS[-1].isoformat()}


def _book(response):
    assert response.status_code == 200, response.get_data()[:300]
    return load_workbook(io.BytesIO(response.get_data()))


@pytest.mark.parametrize("key", sorted(k for k in REPORTS if k != "statement"))
def test_every_export_has_a_chinese_name_a_frozen_header_and_a_filter(canteen, signed_in, key):
    response = signed_in("manager").get(f"/admin/reports/{key}/export.xlsx", query_string=PERIOD)
    sheet = _book(response).active
    title = REPORTS[key].title
    assert sheet.title == title
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith(title + "_")
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref.startswith("A4:")


def test_detail_export_has_times_of_day_and_real_numbers(canteen, signed_in):
    sheet = _book(signed_in("manager").get("/admin/reports/consumption_detail/export.xlsx",
                                            query_string=PERIOD)).active
    header = [c.value for c in sheet[4]]
    assert header[:4] == ["流水号", "营业日", "时间", "类型"]
    for label in ("餐次", "终端", "操作员", "金额（元）"):
        assert label in header
    first = sheet[5]
    assert isinstance(first[0].value, int) and first[0].number_format == COUNT_FORMAT
    assert isinstance(first[1].value, date)
    assert isinstance(first[2].value, time) and first[2].number_format == "hh:mm:ss"
    money = first[header.index("金额（元）")]
    assert isinstance(money.value, (int, float)) and money.number_format == MONEY_FORMAT


def test_the_roster_export_has_a_chinese_name_a_frozen_header_and_a_filter(canteen, signed_in):
    response = signed_in("manager").get("/admin/people/export.xlsx")
    sheet = _book(response).active
    assert sheet.title == "人员名单" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_a_compound_report_export_has_a_chinese_name_a_frozen_header_and_a_filter(canteen, signed_in):
    response = signed_in("manager").get("/admin/compound/energy/reports/" + _first_energy_report())
    assert response.status_code == 200
    export = signed_in("manager").get("/admin/compound/energy/reports/" + _first_energy_report() + "/export.xlsx")
    if export.status_code != 200:
        pytest.skip("this report needs parameters")
    sheet = _book(export).active
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert "filename*=UTF-8''" in export.headers["Content-Disposition"]


def _first_energy_report() -> str:
    from admin.compound.registry import MODULES

    return next(iter(MODULES["energy"].reports))
