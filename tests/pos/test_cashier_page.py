"""The cashier page as a cashier meets it at 1366x768 and 1024x768: no page scrolling, a number pad for amounts,
the result of every action and its receipt in view, confirmations in red for 挂失, 清退 and 交班, dates and local
times in the refund list, and a refunded meal no longer offering 退款."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.pos.screens import browser, new_page, screenshot, sign_in  # noqa: F401 - browser is a fixture
from tests.pos.terminal import held
from tests.world import PASSWORD

SIZES = ["1366x768", "1024x768"]


@pytest.fixture(params=SIZES)
def size(request):
    return request.param


@pytest.fixture
def page(browser, size):  # noqa: F811
    context, page = new_page(browser, size)
    yield page
    context.close()


def no_page_scrolling(page) -> None:
    """Everything fits: the page itself never scrolls (lists scroll inside their own box)."""
    overflow = page.evaluate("() => [document.documentElement.scrollHeight - window.innerHeight,"
                             " document.documentElement.scrollWidth - window.innerWidth]")
    assert overflow[0] <= 0 and overflow[1] <= 0, overflow


def key_in(page, amount: str) -> None:
    """Type an amount on the page's number pad."""
    page.click("#numpad .key[data-key='clear']")
    for key in amount:
        page.click(f"#numpad .key[data-key='{key}']")


def open_shift(page) -> None:
    page.click("#tab-shift")
    page.fill("#opening-float", "0")
    page.click("#open-shift")
    expect(page.locator("#shift-state[data-open='1']")).to_be_visible()


def test_a_top_up_keyed_on_the_pad_shows_its_result_and_receipt_in_view(page, size, canteen, start_terminal,
                                                                        test_printer):
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=1000))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    sign_in(page, terminal, username, PASSWORD)
    no_page_scrolling(page)
    open_shift(page)
    terminal.reader().tap(uid)
    expect(page.locator("#target")).to_contain_text(name)
    page.click("#tab-top-up")
    expect(page.locator("#numpad")).to_be_visible()
    key_in(page, "50")
    expect(page.locator("#top-up-amount")).to_have_value("50")
    page.click("#top-up-submit")
    expect(page.locator("#flash")).to_have_text(f"充值成功：{name}")
    expect(page.locator("#flash")).to_be_in_viewport()
    expect(page.locator("#outcome")).to_contain_text("￥60.00")
    expect(page.locator("#receipt-preview")).to_contain_text("充值凭条")
    expect(page.locator("#receipt-box")).to_be_in_viewport()
    expect(page.locator("#receipt-state")).to_contain_text("已打印")
    no_page_scrolling(page)
    screenshot(page, f"cashier-top-up-{size}")


def test_a_refund_keyed_on_the_pad_then_the_meal_offers_no_second_refund(page, size, canteen, start_terminal):
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    terminal.reader().tap(uid)  # a meal at this till, in diner mode
    sign_in(page, terminal, username, PASSWORD)
    open_shift(page)
    page.click("#tab-refund")
    row = page.locator("#charges li[data-refundable='1']").first
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))  # with its date, local time
    row.get_by_role("button", name="退款").click()
    expect(page.locator("#refund-amount")).to_have_value("10.00")
    key_in(page, "10")
    page.fill("#refund-reason", "饭菜有问题")
    page.click("#refund-submit")
    expect(page.locator("#flash")).to_have_text(f"退款成功：{name}")
    expect(page.locator("#flash")).to_be_in_viewport()
    expect(page.locator("#outcome")).to_contain_text("￥50.00")
    done = page.locator("#charges li").first
    expect(done).to_contain_text("已退款")
    expect(done.get_by_role("button", name="退款")).to_have_count(0)
    no_page_scrolling(page)
    screenshot(page, f"cashier-refund-{size}")


def test_loss_cancel_and_shift_close_ask_first_in_red(page, size, canteen, start_terminal):
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=3000))
    terminal = start_terminal()
    sign_in(page, terminal, username, PASSWORD)
    open_shift(page)
    terminal.reader().tap(uid)
    expect(page.locator("#target")).to_contain_text(name)
    page.click("#tab-cards")
    red = "rgb(198, 40, 40)"
    for button in ("#loss-submit", "#cancel-quote"):
        expect(page.locator(button)).to_have_css("background-color", red)
    page.click("#loss-submit")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-text")).to_contain_text(name)
    expect(page.locator("#confirm-yes")).to_have_css("background-color", red)
    page.click("#confirm-no")  # changed their mind: nothing happens
    expect(page.locator("#confirm")).not_to_be_visible()
    expect(page.locator("#target")).to_contain_text("正常")
    page.click("#loss-submit")
    page.click("#confirm-yes")
    expect(page.locator("#flash")).to_have_text(f"已挂失：{name}")
    expect(page.locator("#target")).to_contain_text("已挂失")
    page.click("#cancel-quote")
    expect(page.locator("#confirm-text")).to_contain_text("应付现金 ￥30.00")
    expect(page.locator("#confirm-yes")).to_have_text("确认清退并付给现金")
    screenshot(page, f"cashier-confirm-{size}")
    page.click("#confirm-yes")
    expect(page.locator("#flash")).to_have_text("清退完成，请付现金 ￥30.00")
    expect(page.locator("#flash")).to_be_in_viewport()
    page.click("#tab-shift")
    key_in(page, "30")
    page.click("#close-shift")
    expect(page.locator("#confirm-text")).to_contain_text("实点现金 30 元")
    page.click("#confirm-yes")
    expect(page.locator("#flash")).to_contain_text("已交班")
    expect(page.locator("#shift-state[data-open='0']")).to_be_visible()
    no_page_scrolling(page)
