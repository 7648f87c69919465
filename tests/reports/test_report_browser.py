"""Report pages in a real browser at 1366x768: checkbox drop-downs, quick ranges, the paged listing with its
count at the top, the ECharts chart, and the print layout. Screenshots go to $ADMIN_SCREENSHOTS (else
build/screenshots/admin)."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from canteen.extensions import db
from tests.admin.dataset import DAYS
from tests.browser import chromium, sign_in_admin

SHOTS = Path(os.environ.get("ADMIN_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build/screenshots/admin")
PERIOD = f"start={DAYS[0].isoformat()}&end={DAYS[-1].isoformat()}"


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_manager_reads_reports_with_drop_downs_ranges_paging_chart_and_print(page, live_server, canteen):
    username = canteen.manager.username
    department = canteen.departments[1]
    db.session.commit()
    sign_in_admin(page, live_server, username)
    # A summary: the chart is drawn, the filters are drop-downs of checkboxes.
    page.goto(f"{live_server}/admin/reports/consumption?{PERIOD}&by=day")
    expect(page.locator("#chart svg path[fill='#2f6db3']").first).to_be_visible()
    options = page.locator("details[data-multi=department] .multi-options")
    expect(options).to_be_hidden()
    page.click("details[data-multi=department] summary")
    expect(options).to_be_visible()
    page.check(f"input[name=department][value='{department.id}']")
    expect(page.locator("details[data-multi=department] .multi-chosen")).to_have_text(department.name)
    _shot(page, "report-filter-dropdown")
    page.click("form#filters button.primary")
    expect(page.locator("#caption")).to_contain_text(department.name)
    _shot(page, "report-summary-chart")
    # Quick range: 本年 fills the date fields.
    page.click("a.quick:text('本年')")
    expect(page.locator(".quick.current")).to_have_text("本年")
    assert page.input_value("#start").endswith("-01-01")
    # A detail listing: the count and the page at the top, time-of-day column, next page.
    page.goto(f"{live_server}/admin/reports/consumption_detail?{PERIOD}")
    count = page.locator("#listing-count")
    expect(count).to_be_visible()
    expect(count).to_contain_text("第 1 / ")
    expect(page.locator("table#report thead th.time")).to_have_text("时间")
    _shot(page, "report-detail-listing")
    page.click("a.page:text('下一页')")
    expect(count).to_contain_text("第 2 / ")
    # The statement asks for a staff number instead of refusing.
    page.goto(f"{live_server}/admin/reports/statement")
    expect(page.locator("#prompt")).to_be_visible()
    expect(page.locator("input[name=person]")).to_be_visible()
    _shot(page, "report-statement-ask")
    # Print layout: the menu and filters are gone, the table stays.
    page.goto(f"{live_server}/admin/reports/headcount?{PERIOD}")
    page.emulate_media(media="print")
    expect(page.locator("form#filters")).to_be_hidden()
    expect(page.locator("table#report")).to_be_visible()
    _shot(page, "report-print")
