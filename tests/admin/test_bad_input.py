"""Bad input to the reports: a clear message, nothing written, the page keeps working."""
import pytest
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import AuditEntry, JournalEntry


@pytest.mark.parametrize("query,message", [
    ({"start": "2026-13-01"}, "日期格式应为"),
    ({"start": "1900-01-01", "end": "2026-01-01"}, "日期须在"),
    ({"start": "2026-05-01", "end": "2026-04-01"}, "开始日期不能晚于结束日期"),
    ({"start": "2000-01-01", "end": "2099-01-01"}, "不能超过十年"),
    ({"department": "999999"}, "部门不存在"),
    ({"terminal": "abc"}, "编号无效"),
    ({"meal_period": "1,424242"}, "餐次不存在"),
    ({"by": "planet"}, "分组方式无效"),
])
def test_bad_filters_get_a_clear_message(signed_in, query, message):
    client = signed_in("manager")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.get("/admin/reports/consumption", query_string=query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    export = client.get("/admin/reports/consumption/export.xlsx", query_string=query)
    assert export.status_code == 400 and export.mimetype == "text/html"
    assert client.get("/admin/reports/consumption").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_a_statement_for_an_unknown_person_is_refused(signed_in):
    client = signed_in("auditor")
    response = client.get("/admin/reports/statement", query_string={"person": "NOBODY"})
    assert response.status_code == 400 and "人员不存在" in response.get_data(as_text=True)
    assert client.get("/admin/summary", query_string={"end": "2026-02-30"}).status_code == 400
