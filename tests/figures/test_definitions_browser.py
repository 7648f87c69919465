"""In the real browser: the work summary's figures link to their written definitions, and the definitions page
shows what each figure counts. Screenshots go to $ADMIN_SCREENSHOTS when set (else the test's tmp dir)."""
import os

import pytest

from canteen.extensions import db
from tests.browser import chromium, sign_in_admin


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def test_a_figure_of_the_work_summary_opens_its_definition(browser, live_server, world, tmp_path):
    username = world.operator("auditor").username
    db.session.commit()
    db.session.close()  # the live server's requests write (sign-in, audit): hold no SQLite lock here
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60000)
    shots = os.environ.get("ADMIN_SCREENSHOTS") or str(tmp_path)
    try:
        sign_in_admin(page, live_server, username)
        page.goto(live_server + "/admin/summary?start=2026-11-01&end=2026-11-30")
        page.wait_for_selector("#summary-text")
        assert "共供餐" in page.text_content("#summary-text")
        page.screenshot(path=os.path.join(shots, "summary.png"), full_page=True)
        page.click("a.definition[href$='#def-visits_all']")
        page.wait_for_url("**/admin/definitions#def-visits_all")
        row = page.locator("tr#def-visits_all")
        assert row.is_visible()
        assert "职工就餐人次加来宾接待用餐" in row.text_content()
        assert page.locator("tr#def-kitchen_actual").is_visible()
        page.screenshot(path=os.path.join(shots, "definitions.png"), full_page=True)
    finally:
        context.close()
