"""The back office's menu in a real browser (Playwright driving Debian's headless Chromium) at 1366x768.

For every role: the menu's groups sit on one line, every link in it opens with 200 and shows its page, the report
list's links too; the current page is marked. A screenshot of each page family is saved (to $ADMIN_SCREENSHOTS, else
build/screenshots/admin) so a person can look at them.
"""
import os
import re
from pathlib import Path

import pytest

from canteen.extensions import db
from tests.admin.test_english_menu_pages import data_words, untranslated
from tests.browser import chromium, sign_in_admin

SHOTS = Path(os.environ.get("ADMIN_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build/screenshots/admin")
#: Reports that answer 400 before anything is entered: fixed by the report work (issue 16, report pages), not here.
#: Listed so a failure of any OTHER page still fails this test; the list is checked, not skipped.
REPORTS_ASKING_FIRST = {"statement"}


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium()


def _tab(browser, lang="zh-CN"):
    context = browser.new_context(locale=lang, viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    errors = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, tab, errors


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _family(path: str) -> str:
    name = path.strip("/").removeprefix("admin").strip("/") or "home"
    return re.sub(r"[^a-z0-9]+", "-", name.split("?")[0]).strip("-")


@pytest.mark.parametrize("role", ["admin", "manager", "auditor", "cashier"])
def test_every_menu_page_opens_for_the_roles_that_see_it(browser, live_server, world, canteen, role):
    username = canteen.manager.username if role == "manager" else world.operator(role).username
    db.session.commit()
    context, page, errors = _tab(browser)
    try:
        sign_in_admin(page, live_server, username)
        menu = page.locator("#main-menu")
        expect_visible(menu)
        box = menu.bounding_box()
        assert box["height"] < 60, f"the menu wraps at 1366 px ({box['height']} px high)"
        links = page.eval_on_selector_all("#main-menu a.dropdown-item", "els => els.map(e => e.getAttribute('href'))")
        assert "/admin/" in links and "/admin/password" in links
        failures = {}
        for link in links:
            response = page.goto(live_server + link)
            if response.status != 200:
                failures[link] = response.status
                continue
            assert page.locator("h1").first.is_visible(), link
            marked = page.eval_on_selector_all("#main-menu a.dropdown-item.active",
                                               "els => els.map(e => e.getAttribute('href'))")
            assert marked == [link], (link, marked)
            if role == "admin":
                _shot(page, _family(link))
        assert failures == {}
        assert errors == []
    finally:
        context.close()


def test_every_report_in_the_list_opens_with_no_parameters(browser, live_server, canteen):
    username = canteen.manager.username
    db.session.commit()  # the server's threads need SQLite's write lock free: read nothing after this
    context, page, errors = _tab(browser)
    try:
        sign_in_admin(page, live_server, username)
        page.goto(live_server + "/admin/reports/")
        links = page.eval_on_selector_all("main a[href^='/admin/reports/']",
                                          "els => els.map(e => e.getAttribute('href'))")
        assert len(links) >= 10
        statuses = {}
        for link in links:
            statuses[link.rsplit("/", 1)[-1].split("?")[0]] = page.goto(live_server + link).status
        _shot(page, "report")
        asking = {key for key, status in statuses.items() if status == 400}
        assert asking <= REPORTS_ASKING_FIRST, asking
        assert all(status in (200, 400) for status in statuses.values()), statuses
    finally:
        context.close()


def test_the_home_page_shows_today_and_its_chart(browser, live_server, canteen):
    username = canteen.manager.username
    db.session.commit()  # the server's threads need SQLite's write lock free: read nothing after this
    context, page, errors = _tab(browser)
    try:
        sign_in_admin(page, live_server, username)
        for card in ("#card-meals", "#card-money", "#card-terminals", "#card-guest-meals", "#card-refunds",
                     "#card-gaps"):
            expect_visible(page.locator(card))
        page.wait_for_selector("#meals-chart svg")
        assert page.locator("#meals-chart svg").bounding_box()["height"] > 100
        _shot(page, "home")
        page.click("#main-menu [data-group=cards] > a")
        expect_visible(page.locator("#main-menu [data-group=cards] .dropdown-menu"))
        _shot(page, "menu-open")
        page.click("text=人员与卡片")
        page.wait_for_url(live_server + "/admin/people")
        expect_visible(page.locator("#breadcrumbs"))
        assert page.locator("#breadcrumbs").inner_text().split() == ["首页", "卡务", "人员与卡片"]
        page.goto(live_server + "/admin/no-such-page")
        expect_visible(page.locator("#error-page"))
        _shot(page, "error-404")
        page.click("#error-back")
        page.wait_for_url(re.compile(r".*/admin/(people)?$"))
        assert errors == []
    finally:
        context.close()


def test_the_english_home_page_in_the_browser(app, browser, live_server, canteen):
    allowed = data_words(app)
    username = canteen.manager.username
    db.session.commit()
    context, page, errors = _tab(browser, "en-US")
    try:
        sign_in_admin(page, live_server, username)
        page.click("text=English")
        page.wait_for_selector("#glance")
        text = page.inner_text("body")
        assert "Today" in text and "Daily" in text and "Cards" in text
        assert untranslated(text, allowed) == []
        _shot(page, "home-en")
    finally:
        context.close()


CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


def test_the_menu_pages_break_no_content_security_policy(browser, live_server, world, canteen):
    """Served with the policy that is coming (no inline script or style), no page logs a violation."""
    username = world.operator("admin").username
    db.session.commit()
    context, page, errors = _tab(browser)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    def with_policy(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    try:
        page.route("**/admin/**", with_policy)
        sign_in_admin(page, live_server, username)
        links = page.eval_on_selector_all("#main-menu a.dropdown-item", "els => els.map(e => e.getAttribute('href'))")
        for link in [*links, f"/admin/people/{canteen.people[0].id}"]:
            page.goto(live_server + link)
            page.wait_for_load_state("load")
        assert page.goto(live_server + "/admin/").headers["content-security-policy"] == CSP
        page.wait_for_selector("#meals-chart svg")
        page.click("#main-menu [data-group=settings] > a")
        expect_visible(page.locator("#main-menu [data-group=settings] .dropdown-menu"))
        assert refused == [] and errors == []
    finally:
        context.close()


def expect_visible(locator):
    """Playwright's expect(...).to_be_visible()."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible()
