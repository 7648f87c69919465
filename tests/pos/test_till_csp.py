"""The till's pages under the same Content-Security-Policy as the server's (no inline script or style, no
framing): the diner screen, the cashier page signed in and the customer display load and work in Chromium with no
violation reported, and none of their answers may be stored."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.pos.screens import browser, new_page, screenshot, sign_in  # noqa: F401 - browser is a fixture
from tests.pos.terminal import held
from tests.world import PASSWORD


def _watch(page) -> list[str]:
    """Every CSP violation the tab reports (the console's message and the page's event)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' "
                         "+ e.blockedURI));")
    return violations


def test_the_till_pages_work_under_the_csp_with_no_violation(browser, canteen, start_terminal):  # noqa: F811
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=2000))
    terminal = start_terminal()

    context, page = new_page(browser)
    violations = _watch(page)
    for path in ("/", "/display"):
        response = page.goto(terminal.url + path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["cache-control"] == "no-store", path
        page.wait_for_load_state("load")

    page.goto(terminal.url + "/")
    page.wait_for_selector("body[data-stream='open']")
    terminal.reader().tap(uid)
    expect(page.locator("#result[data-state='ok']")).to_be_visible()
    expect(page.locator("#name")).to_have_text(name)
    screenshot(page, "till-csp-diner")

    sign_in(page, terminal, username, PASSWORD)
    expect(page.locator("#numpad")).to_be_visible()  # the cashier page with its number pad, as seen
    screenshot(page, "till-csp-cashier")
    assert violations == []
    context.close()
