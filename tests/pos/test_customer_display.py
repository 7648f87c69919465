"""The optional customer-facing second screen (/display): the diner sees their side of the cashier's transaction."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.pos.screens import browser, new_page, screenshot, sign_in  # noqa: F401 - browser is a fixture
from tests.pos.terminal import held
from tests.world import PASSWORD


def test_the_second_screen_shows_the_tapped_card_and_then_the_top_up_with_balances(browser, canteen,  # noqa: F811
                                                                                   start_terminal):
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=1000))
    terminal = start_terminal()
    display_context, display = new_page(browser, "1024x768")
    cashier_context, cashier = new_page(browser)
    try:
        display.goto(terminal.url + "/display")
        display.wait_for_selector("body[data-stream='open']")
        expect(display.locator("#headline")).to_have_text("欢迎光临")
        expect(display.get_by_text("现金余额", exact=True)).not_to_be_visible()
        sign_in(cashier, terminal, username, PASSWORD)
        cashier.click("#tab-shift")
        cashier.click("#open-shift")
        expect(cashier.locator("#shift-state[data-open='1']")).to_be_visible()
        terminal.reader().tap(uid)
        expect(display.locator("#headline")).to_have_text("余额查询")
        expect(display.locator("#name")).to_have_text(name)
        expect(display.locator("#cash-left")).to_have_text("￥10.00")
        expect(cashier.locator("#target")).to_contain_text(name)
        cashier.click("#tab-top-up")
        cashier.fill("#top-up-amount", "50")
        cashier.click("#top-up-submit")
        expect(display.locator("#headline")).to_have_text("充值成功")
        expect(display.locator("#amount")).to_have_text("￥50.00")
        expect(display.locator("#cash-left")).to_have_text("￥60.00")
        screenshot(display, "customer-display")
    finally:
        cashier_context.close()
        display_context.close()
