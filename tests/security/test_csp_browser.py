"""The Content-Security-Policy holds in a real browser (Playwright driving Debian's headless Chromium): the
diners' pages and the server's own pages load with no violation reported, and the policy and other security
headers arrive with them. Pages of other packages (back office, till) join this list when their inline script
and style are gone."""
import os

import pytest
from sqlalchemy import select

from canteen.extensions import db
from canteen.models import MealPeriod
from tests.browser import chromium
from tests.diner.conftest import PASSWORD, new_code

#: Pages checked before signing in, and after (paths on the live server).
PUBLIC_PAGES = ["/", "/pos/", "/me/login", "/me/setup"]
DINER_PAGES = ["/me/", "/me/history", "/me/bookings"]  # /me/department: department bookers only


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium()


@pytest.fixture
def tab(browser):
    """A tab that records every CSP violation (the console's report and the page's event)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.violations = []
    page.on("console", lambda message: page.violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' "
                         "+ e.blockedURI));")
    yield page
    context.close()


def _shot(page, name, tmp_path):
    folder = os.environ.get("SECURITY_SCREENSHOTS") or str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _visit(tab, url):
    response = tab.goto(url)
    tab.wait_for_load_state("load")
    return response


def test_the_diner_pages_load_without_a_csp_violation(tab, live_server, world, tmp_path):
    person, card = world.diner(cash=5000)
    code, staff_no = new_code(world, person), person.staff_no
    lunch = db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))
    assert lunch is not None
    db.session.commit()  # nothing may hold SQLite's write lock while the server works

    for path in PUBLIC_PAGES:
        response = _visit(tab, live_server + path)
        assert response.status == 200, path
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    _shot(tab, "csp-diner-login", tmp_path)

    _visit(tab, live_server + "/me/setup")
    tab.fill("input[name=staff_no]", staff_no)
    tab.fill("input[name=code]", code)
    tab.fill("input[name=password]", PASSWORD)
    tab.fill("input[name=password2]", PASSWORD)
    tab.click("#setup button[type=submit]")
    tab.wait_for_url(live_server + "/me/")
    assert tab.locator("#cash").is_visible() and tab.text_content("#cash") == "50.00"
    for path in DINER_PAGES:
        response = _visit(tab, live_server + path)
        assert response.status == 200, path
        assert response.headers["cache-control"] == "no-store"
        _shot(tab, "csp-diner" + path.replace("/", "-").rstrip("-"), tmp_path)

    _visit(tab, live_server + "/me/")
    asked = []
    tab.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    tab.click("#loss button")  # the confirmation now comes from diner.js, not an inline handler
    tab.wait_for_timeout(300)
    assert asked and "挂失" in asked[0]
    assert tab.locator("#card-state").get_attribute("data-state") != "lost"
    assert tab.violations == []
