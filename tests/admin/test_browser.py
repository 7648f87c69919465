"""The back office in a real browser (Playwright driving Debian's headless Chromium): sign in, open a
report, filter it, download its export, read the work summary, watch the dashboard."""
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from openpyxl import load_workbook

from canteen import reports
from canteen.extensions import db
from canteen.money import yuan_sign
from canteen.reports import Filters
from tests.admin.dataset import DAYS
from tests.browser import chromium, sign_in_admin



@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium()


@pytest.fixture
def page(browser):
    """A fresh tab with its own cookies that accepts downloads."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def test_a_manager_filters_a_report_downloads_it_and_reads_the_summary(page, live_server, world, canteen):
    username = canteen.manager.username
    department = canteen.departments[1]
    f = Filters(start=DAYS[0], end=DAYS[-1], department_ids=(department.id,))
    expected = reports.consumption_summary(db.session, f, by="day").totals
    summary = reports.work_summary(db.session, Filters(start=DAYS[0], end=DAYS[-1]))
    db.session.commit()
    sign_in_admin(page, live_server, username)
    page.click("#main-menu [data-group=reports] > a")
    page.click("#main-menu a[href='/admin/reports/']")
    page.click("text=消费汇总")
    page.fill("input[name=start]", DAYS[0].isoformat())
    page.fill("input[name=end]", DAYS[-1].isoformat())
    page.click("details[data-multi=department] summary")
    page.check(f"input[name=department][value='{department.id}']")
    page.select_option("select[name=by]", "day")
    page.click("form#filters button[type=submit]")
    page.wait_for_selector("table#report tfoot")
    assert page.text_content("tfoot td[data-key=net]") == yuan_sign(expected["net"])
    assert len(page.query_selector_all("table#report tbody tr")) == len(DAYS)
    page.wait_for_selector("#chart svg path[fill='#2f6db3']")
    with page.expect_download() as info:
        page.click("a.export")
    with open(info.value.path(), "rb") as exported:
        sheet = load_workbook(io.BytesIO(exported.read())).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert int(Decimal(str(totals[5])) * 100) == expected["net"]
    page.click("#main-menu [data-group=reports] > a")
    page.click("#main-menu a[href='/admin/summary']")
    page.fill("input[name=start]", DAYS[0].isoformat())
    page.fill("input[name=end]", DAYS[-1].isoformat())
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#summary-text")
    assert page.input_value("#summary-plain") == summary["text"]
    assert page.text_content("#summary-text") == summary["text"]
    page.click("a.figure[data-key=visits]")
    page.wait_for_selector("table#report tfoot")
    assert "就餐人次与人数" in page.text_content("h1")


def test_the_dashboard_falls_back_to_polling_without_redis(page, live_server, world):
    world.all_day_meal()
    username = world.operator("manager").username
    db.session.commit()  # the server's threads need SQLite's write lock free
    sign_in_admin(page, live_server, username)
    page.goto(live_server + "/admin/dashboard")
    assert "实时推送不可用" in page.text_content("#live-mode")
    person, card = world.diner(cash=5000)
    terminal, _ = world.terminal()
    from canteen.services.meals import charge_meal

    charge_meal(db.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
    db.session.commit()
    page.reload()
    expect(page.locator("#live-visits")).to_have_text("1")  # a locator assertion: the CSP forbids eval
