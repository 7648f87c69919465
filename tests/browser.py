"""Headless Chromium for the browser tests: Debian's own (/usr/bin/chromium), never Playwright's download."""
import os

from tests.services import missing_service

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium(*extra_args: str):
    """Yield a launched browser (for a module-scoped fixture: ``yield from chromium()``); close it after."""
    if not os.access(CHROMIUM, os.X_OK):
        missing_service("Chromium", f"{CHROMIUM} not found; apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing_service("playwright", f"{exc}; pip install playwright (its browser download is not needed)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args])
        yield browser
        browser.close()


def sign_in_admin(page, base: str, username: str, password: str | None = None) -> None:
    """Sign in to the back office in `page` and wait for its home page (the demo world's password by default)."""
    from tests.world import PASSWORD

    page.goto(base + "/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
