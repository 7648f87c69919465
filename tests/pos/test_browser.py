"""The terminal's pages in a real browser: Playwright driving Debian's headless Chromium."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from canteen.services.cards import find_card, report_loss
from printers import decode_text
from tests.browser import chromium
from tests.pos.terminal import held
from tests.world import PASSWORD

GREEN, RED = "rgb(26, 127, 55)", "rgb(198, 40, 40)"  # pos.css: the big result panel
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium("--autoplay-policy=no-user-gesture-required")


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def open_diner_page(page, terminal):
    """Load the diner page and wait until its event stream is connected."""
    page.goto(terminal.url + "/")
    page.wait_for_selector("body[data-stream='open']")


def background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor")


def test_a_diner_tap_shows_name_and_balance_in_green(page, canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    open_diner_page(page, terminal)
    assert page.text_content("#headline") == "请刷卡"
    page.wait_for_selector("#meal-name:has-text('全天')")
    assert page.text_content("#meal-price") == "在编职工/聘用人员/来宾 ￥10.00"  # the price line by category
    terminal.reader().tap(uid)
    page.wait_for_selector("#result[data-state='ok']")
    assert page.text_content("#name") == name
    assert page.text_content("#amount") == "￥10.00"
    assert page.text_content("#cash-left") == "￥40.00"
    assert page.text_content("#subsidy-left") == "￥0.00"
    expect(page.locator("#result")).to_have_css("background-color", GREEN)
    if os.environ.get("POS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["POS_SCREENSHOTS"], "diner-ok.png"))


def test_a_lost_card_shows_the_red_state_with_the_reason(page, canteen, start_terminal):
    world, _, _ = canteen
    _, card = world.diner(cash=5000)
    report_loss(world.session, world.actor(world.cashier()), card=find_card(world.session, card.uid))
    _, uid = held(world, card.person, card)
    terminal = start_terminal()
    open_diner_page(page, terminal)
    terminal.reader().tap(uid)
    page.wait_for_selector("#result[data-state='refused']")
    assert page.text_content("#headline") == "此卡已挂失"
    expect(page.locator("#result")).to_have_css("background-color", RED)
    page.wait_for_selector("#result[data-state='idle']", timeout=15000)  # back to "please tap" by itself


def test_a_keyboard_wedge_card_number_typed_into_the_page_is_a_tap(page, canteen, start_terminal):
    world, _, _ = canteen
    name, _ = held(world, *world.diner(cash=3000, uid="04A1B2C3"))
    terminal = start_terminal()
    open_diner_page(page, terminal)
    page.keyboard.type("3283263748")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result[data-state='ok']")
    assert page.text_content("#name") == name
    assert page.text_content("#cash-left") == "￥20.00"


def test_a_cashier_tops_up_a_tapped_card_and_the_receipt_prints(page, canteen, start_terminal, test_printer):
    world, _, _ = canteen
    username = world.operator("cashier").username
    name, uid = held(world, *world.diner(cash=1000))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    page.goto(terminal.url + "/cashier/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#operator")
    page.wait_for_selector("body[data-stream='open']")
    page.click("#tab-shift")
    page.fill("#opening-float", "200")
    page.click("#open-shift")
    page.wait_for_selector("#shift-state[data-open='1']")
    terminal.reader().tap(uid)
    page.wait_for_selector(f"#target:has-text('{name}')")
    page.click("#tab-top-up")
    page.fill("#top-up-amount", "50")
    page.select_option("#top-up-method", "cash")
    page.click("#top-up-submit")
    page.wait_for_selector("#flash[data-ok='1']:has-text('充值成功')")
    page.wait_for_selector("#target:has-text('￥60.00')")
    assert test_printer.wait_for_printed(1, timeout=15)
    text = decode_text(test_printer.printed[0])
    for expected in ("充值凭条", name, "现金", "￥50.00", "￥60.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"
    page.click("#tab-receipts")
    page.wait_for_selector("#receipts li[data-status='printed']")
    if os.environ.get("POS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["POS_SCREENSHOTS"], "cashier.png"), full_page=True)


def test_the_demo_taps_a_card_from_the_page_with_the_virtual_reader(page, canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=2500))
    terminal = start_terminal()
    open_diner_page(page, terminal)
    page.fill("#virtual-uid", uid)
    page.click("#virtual-tap button")
    page.wait_for_selector("#result[data-state='ok']")
    assert page.text_content("#name") == name and page.text_content("#cash-left") == "￥15.00"


def test_a_page_switched_to_english_shows_tap_results_in_english(page, canteen, start_terminal):
    world, _, _ = canteen
    _, poor_uid = held(world, *world.diner(cash=500))  # 5.00 yuan for a 10.00 yuan meal
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    open_diner_page(page, terminal)
    page.click("text=English")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("body[data-stream='open']")
    assert page.text_content("#headline") == "Please tap your card"
    terminal.reader().tap(poor_uid)
    page.wait_for_selector("#result[data-state='refused']")
    assert page.text_content("#headline") == "Insufficient balance"
    assert page.text_content("#message") == ("Not enough money: this meal is ￥10.00, the balance is ￥5.00. Nothing "
                                            "was charged. Please top up at the cashier.")
    page.wait_for_selector("#result[data-state='idle']", timeout=15000)
    terminal.reader().tap("04FFFFFFFFFFFF")
    page.wait_for_selector("#result[data-state='refused']")
    assert page.text_content("#headline") == "Unknown card"
    assert page.text_content("#message") == ("This card is not registered. Nothing was charged. Please register it "
                                            "at the cashier.")
    page.wait_for_selector("#result[data-state='idle']", timeout=15000)
    terminal.reader().tap(uid)
    page.wait_for_selector("#result[data-state='ok']")
    assert (page.text_content("#headline"), page.text_content("#name")) == ("Paid", name)
    assert page.text_content("#cash-left") == "￥40.00"


def test_a_large_refund_waits_at_the_till_until_a_manager_keys_in_and_approves_it(page, canteen, start_terminal,
                                                                                 test_printer):
    world, _, _ = canteen
    username = world.operator("cashier").username
    manager = world.operator("manager")
    manager_username, manager_name = manager.username, manager.name
    name, uid = held(world, *world.diner(cash=10_000))
    terminal = start_terminal(CANTEEN_PRINTER_URL=test_printer.url)
    page.goto(terminal.url + "/cashier/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("body[data-stream='open']")
    page.click("#tab-shift")
    page.click("#open-shift")
    page.wait_for_selector("#shift-state[data-open='1']")
    terminal.reader().tap(uid)
    page.wait_for_selector(f"#target:has-text('{name}')")
    page.click("#tab-charge")
    page.fill("#charge-amount", "90")
    page.click("#charge-submit")
    page.wait_for_selector("#flash[data-ok='1']:has-text('扣款成功')")
    page.click("#tab-refund")
    page.click("#charges li button:has-text('退款')")
    page.fill("#refund-amount", "60")  # the amount is keyed in the page (number pad), never in a prompt()
    page.click("#refund-submit")
    page.wait_for_selector("#flash[data-ok='1']:has-text('已提交审批')")
    page.click("#tab-approvals")
    page.wait_for_selector(f"#refund-requests li[data-request]:has-text('{name}')")
    page.fill("#approver-username", manager_username)
    page.fill("#approver-password", PASSWORD)
    page.click("#refund-requests li[data-request] button:has-text('批准')")
    page.wait_for_selector("#flash[data-ok='1']:has-text('退款已批准')")
    page.wait_for_selector("#target:has-text('￥70.00')")
    assert page.input_value("#approver-password") == ""
    page.wait_for_selector("#refund-requests li:not([data-request])")
    assert test_printer.wait_for_printed(2, timeout=15)
    text = decode_text(test_printer.printed[1])
    for expected in ("退款凭条", name, "审批人", manager_name, "￥60.00"):
        assert expected in text, f"{expected!r} missing from:\n{text}"


def _status_bar(page) -> dict:
    """The status bar as an English reader sees it: its text and every tooltip."""
    return page.evaluate("""() => ({text: document.querySelector('.lights').textContent,
        titles: Object.fromEntries([...document.querySelectorAll('.lights [title]')].map(e => [e.id, e.title]))})""")


def test_an_english_page_shows_the_status_bar_and_its_tooltips_without_chinese(page, canteen, start_terminal):
    terminal = start_terminal()
    open_diner_page(page, terminal)
    page.click("text=English")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("body[data-stream='open']")
    # Locator assertions, not string predicates: the till's CSP forbids eval in the page.
    expect(page.locator("#offline-mode")).to_have_text("Online", timeout=15000)
    expect(page.locator("#snapshot-age")).to_have_text(re.compile(r" s ago$"), timeout=15000)
    expect(page.locator("#health-server")).to_have_attribute("title", "Server connected", timeout=15000)
    bar = _status_bar(page)
    assert bar["titles"] == {"health-reader": "Card reader ready", "health-printer": "No printer configured",
                             "health-server": "Server connected", "offline": ""}
    assert HAN.findall(bar["text"]) == []

    offline = start_terminal("http://127.0.0.1:9")  # nothing listens there: the till is offline from the start
    open_diner_page(page, offline)
    page.click("text=English")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("body[data-stream='open']")
    expect(page.locator("#offline-mode")).to_have_text("Offline", timeout=15000)
    expect(page.locator("#health-server")).to_have_attribute("data-ok", "0", timeout=15000)
    bar = _status_bar(page)
    assert bar["titles"]["health-server"] in ("Cannot reach the server", "Offline: cannot reach the server")
    assert HAN.findall(bar["text"] + "".join(bar["titles"].values())) == []
