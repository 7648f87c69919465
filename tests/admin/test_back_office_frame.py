"""The back office's frame: the grouped menu per role, the current page, breadcrumbs, the home page's figures,
the words for codes, one money and one count format, error pages, the people list's paging, and no inline
script or style anywhere in the back office's templates."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.filters import today as business_today
from canteen import reports, today
from canteen.extensions import db
from canteen.labels import LABELS, label
from canteen.models import Card, CardEvent, MealPeriod
from canteen.models.forecast import Forecast
from canteen.money import count, yuan_sign
from canteen.reports import Filters
from canteen.services.meals import charge_meal
from tests.admin.conftest import csrf_of
from tests.admin.test_english_menu_pages import menu_links, troubled_terminals

ADMIN = Path(__file__).resolve().parents[2] / "admin"
GROUPS = ("日常", "卡务", "报表", "事务中心", "设置")
#: What each role's menu holds: the same roles the views let in (admin/security.requires on each view).
EXPECTED = {
    "cashier": {"/admin/", "/admin/shifts", "/admin/diner-code", "/admin/password"},
    "auditor": {"/admin/", "/admin/dashboard", "/admin/kitchen", "/admin/guest-meals", "/admin/bookings",
                "/admin/shifts", "/admin/people", "/admin/subsidies", "/admin/reports/", "/admin/summary",
                "/admin/compound/", "/admin/compound/yearbook", "/admin/departments", "/admin/categories",
                "/admin/meals", "/admin/calendar", "/admin/terminals", "/admin/audit", "/admin/password"},
}
EXPECTED["manager"] = EXPECTED["auditor"] - {"/admin/audit"} | {"/admin/diner-code"}
EXPECTED["admin"] = EXPECTED["manager"] | {"/admin/audit", "/admin/operators"}


@pytest.mark.parametrize("role", ["admin", "manager", "auditor", "cashier"])
def test_each_role_sees_its_links_in_groups_and_each_opens(signed_in, role):
    client = signed_in(role)
    page = client.get("/admin/").get_data(as_text=True)
    links = menu_links(page)
    assert set(links) == EXPECTED[role]
    groups = re.findall(r'data-bs-toggle="dropdown" aria-expanded="false"[^>]*>([^<]+)</a>', page)
    assert set(groups) <= set(GROUPS) and groups == [g for g in GROUPS if g in groups]
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_current_page_is_marked_and_the_breadcrumbs_name_it(signed_in, canteen):
    client = signed_in("manager")
    page = client.get(f"/admin/people/{canteen.people[0].id}").get_data(as_text=True)
    assert re.search(r'class="dropdown-item active" href="/admin/people"\s+aria-current="page"', page)
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>卡务<', page)
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', page, re.S).group(1)
    assert [t.strip() for t in re.findall(r">([^<>]+)<", crumbs) if t.strip()] == [
        "首页", "卡务", "人员与卡片", canteen.people[0].name]


def test_the_home_page_answers_how_is_today(app, world, signed_in):
    period = world.all_day_meal(price=700)
    terminal, _ = world.terminal()
    for _ in range(3):
        _person, card = world.diner(cash=5000)
        charge_meal(db.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
    the_day = business_today()
    db.session.add(Forecast(made_on=the_day - timedelta(days=1), day=the_day, meal_period_id=period.id, expected=1234,
                            basis="test"))
    db.session.commit()
    funds = reports.funds_summary(db.session, Filters(start=the_day, end=the_day, tz=app.config["TIMEZONE"])).totals
    db.session.commit()
    page = signed_in("auditor").get("/admin/").get_data(as_text=True)
    assert 'id="meals-today">3<' in page and 'id="meals-forecast">1,234<' in page
    assert f'id="money-in">{yuan_sign(funds["money_in"])}<' in page
    assert f'id="money-out">{yuan_sign(funds["money_out"])}<' in page
    assert 'id="terminals-online">' in page and 'id="pending-refunds">0<' in page
    assert 'id="pending-guest-meals">0<' in page and 'id="open-gaps">0<' in page
    assert 'data-echart="' in page and "vendor/echarts/echarts.min.js" in page
    for target in ("/admin/dashboard", "/admin/terminals", "/admin/guest-meals", "/admin/reports/funds?",
                   "/admin/reports/refunds?"):
        assert f'href="{target}' in page, target


def test_the_home_page_names_troubled_terminals_and_open_gaps(signed_in, canteen):
    troubled_terminals(canteen)
    east = canteen.terminals[0].code
    page = signed_in("manager").get("/admin/").get_data(as_text=True)
    assert 'id="terminals-online">1<' in page and f"黑名单落后：{east}" in page and f"脱机数据已过期：{east}" in page
    assert 'id="open-gaps">1<' in page


def test_a_cashier_home_page_has_no_figures(signed_in):
    page = signed_in("cashier").get("/admin/").get_data(as_text=True)
    assert "今日概况" not in page and "收银业务请在收银终端办理" in page


def test_one_money_format_and_one_count_format():
    assert yuan_sign(107000) == "￥1,070.00" and yuan_sign(-300) == "-￥3.00" and yuan_sign(None) == ""
    assert count(1234) == "1,234" and count(0) == "0" and count(None) == ""


def test_templates_show_money_only_through_the_filter():
    """No ``yuan(...)`` shown as text (only as an input's value) and no trailing 元 after a figure."""
    for path in (ADMIN / "templates").rglob("*.html"):
        if re.search(r"admin/(report|summary|compound)|export", str(path)):
            continue  # templates other work owns
        text = path.read_text(encoding="utf-8")
        shown = [m for m in re.finditer(r"\{\{ yuan\(", text) if not text[:m.start()].endswith('value="')]
        assert shown == [], path
        assert "|money }} {{ _('元') }}" not in text and "</b> {{ _('元') }}" not in text, path


def test_words_for_codes_in_both_languages():
    assert label("card_state", "active") == "正常" and label("card_event", "issued") == "发卡"
    assert label("audit_action", "login") == "登录" and label("audit_result", "ok") == "成功"
    assert label("audit_result", "failed") == "失败" and label("role", "admin") == "管理员"
    assert label("role", "cashier") == "收银员" and label("summary_source", "headcount") == "就餐人次与人数"
    assert label("summary_source", "topups", "en") == "Top-ups" and label("role", "cashier", "en") == "Cashier"
    assert label("card_state", "brand_new") == "brand_new" and label("role", None) == ""
    for kind, codes in LABELS.items():
        for code, (zh, en) in codes.items():
            assert zh and en and re.search(r"[\u4e00-\u9fff]", zh), (kind, code)


def test_pages_show_words_not_codes(signed_in, canteen):
    client = signed_in("admin")
    person = canteen.people[0]
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    card = db.session.scalars(select(Card).where(Card.person_id == person.id)).first()
    event_cells = re.findall(r"<td>([^<]*)</td><td>(发卡|挂失|解挂|补卡（旧卡停用）|注销)</td>", page)
    assert event_cells and all(uid for uid, _ in event_cells) and card.uid in {uid for uid, _ in event_cells}
    assert db.session.scalar(select(CardEvent.id).where(CardEvent.card_id == card.id)) is not None
    assert ">正常<" in page or ">已挂失<" in page or ">已注销<" in page
    assert ">active<" not in page and ">issued<" not in page
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>登录</td>" in audit and "<td>成功</td>" in audit and "<td>login</td>" not in audit
    operators = client.get("/admin/operators").get_data(as_text=True)
    assert ">管理员<" in operators and ">收银员<" in operators and ">cashier<" not in operators
    client.get("/admin/lang/en")
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>Sign in</td>" in audit and "<td>Succeeded</td>" in audit


def test_the_people_list_next_page_keeps_the_department(app, world, signed_in):
    department = world.department("Kitchen")
    category = world.category("staff")
    for _ in range(101):
        world.person(category, department)
    db.session.commit()
    client = signed_in("manager")
    page = client.get(f"/admin/people?department={department.id}&q=").get_data(as_text=True)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"department={department.id}" in nxt and "page=2" in nxt
    second = client.get(nxt).get_data(as_text=True)
    assert len(re.findall(r'<tr><td><a href="/admin/people/\d+"', second)) == 1
    prev = re.search(r'<a rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert f"department={department.id}" in prev


@pytest.mark.parametrize("role, path, status, words", [
    ("cashier", "/admin/no-such-page", 404, "页面不存在"),
    ("manager", "/admin/people/999999", 404, "页面不存在"),
    ("cashier", "/admin/operators", 403, "无权访问"),
    ("cashier", "/admin/dashboard/live.json", 403, "无权访问"),
])
def test_error_pages_have_the_layout_and_a_way_back(signed_in, role, path, status, words):
    client = signed_in(role)
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert words in page and 'id="main-menu"' in page and 'id="error-back"' in page


def test_a_wrong_method_and_an_expired_form_get_pages(signed_in):
    client = signed_in("manager")
    response = client.delete("/admin/people")
    assert response.status_code == 405 and "不支持的操作方式" in response.get_data(as_text=True)
    response = client.post("/admin/departments", data={"code": "X", "name": "x", "csrf_token": "stale"},
                           headers={"Referer": "http://localhost/admin/departments"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "页面已过期" in page and "请返回、刷新页面后重新提交" in page
    assert 'id="error-back" href="http://localhost/admin/departments"' in page
    assert client.post("/admin/departments", data={"code": "IT", "name": "信息科",
                                                   "csrf_token": csrf_of(client)}).status_code == 302


def test_a_server_error_in_a_view_gets_the_page(app, signed_in, monkeypatch):
    from admin import index as home

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(home.figures, "live_figures", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = signed_in("manager").get("/admin/")
    assert response.status_code == 500 and "服务器内部错误" in response.get_data(as_text=True)


def test_the_api_keeps_json_errors(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_no_inline_script_style_or_handlers_in_the_back_office_templates():
    for path in (ADMIN / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), path
        assert "<style" not in text and not re.search(r'\sstyle="', text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_the_ui_kit_and_the_chart_library_are_served_from_the_site(signed_in):
    client = signed_in("manager")
    for path in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js",
                 "vendor/echarts/echarts.min.js", "admin/admin.js", "admin/echart.js"):
        response = client.get(f"/admin/static/{path}")
        status, size = response.status_code, len(response.data)
        response.close()
        assert status == 200 and size > 500, path
    for path in ("vendor/bootstrap/LICENSE", "vendor/echarts/LICENSE"):
        assert (ADMIN / "static" / path).is_file()
    page = client.get("/admin/").get_data(as_text=True)
    assert "//cdn" not in page and "https://" not in page


def test_active_meal_periods_without_meals_show_zero_against_their_forecast(app, world, signed_in):
    world.all_day_meal()
    db.session.commit()
    lines = today.meals_against_forecast(db.session, {"periods": []}, business_today())
    assert [(line.visits, line.forecast) for line in lines] == [(0, None)] * len(
        db.session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))).all())


def test_the_people_export_has_a_chinese_name_words_and_a_frozen_header(signed_in, canteen):
    response = signed_in("manager").get("/admin/people/export.xlsx")
    assert "filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%90%8D%E5%8D%95.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "人员名单" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"在用", "已清退"}
