"""Browser helpers of the till's page tests: a tab per test, and screenshots saved as test artefacts.

Screenshots go to ``$POS_SCREENSHOTS`` (CI collects it) or ``instance/screenshots`` (git ignores ``instance/``).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import chromium

#: The till's two screen sizes (a 1366x768 all-in-one, a 1024x768 monitor).
SIZES = {"1366x768": {"width": 1366, "height": 768}, "1024x768": {"width": 1024, "height": 768}}


def screenshot(page, name: str) -> Path:
    """Save what the tab shows now as `name`.png among the test artefacts."""
    folder = Path(os.environ.get("POS_SCREENSHOTS") or "instance/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium("--autoplay-policy=no-user-gesture-required")


def new_page(browser, size: str = "1366x768", locale: str = "zh-CN"):
    """A fresh tab (own cookies) of the given size."""
    context = browser.new_context(locale=locale, viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(10000)
    return context, page


def sign_in(page, terminal, username: str, password: str) -> None:
    """Sign in at the till's cashier page."""
    page.goto(terminal.url + "/cashier/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_selector("body[data-stream='open']")
