"""The diner screen as a queue sees it: one state at a time, figures only with a charge, plain Chinese refusals in
yuan with the masked name, the paused state while a cashier is signed in, and back to idle by itself."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.pos.screens import browser, new_page, screenshot, sign_in  # noqa: F401 - browser is a fixture
from tests.pos.terminal import held
from tests.world import PASSWORD


@pytest.fixture
def page(browser):  # noqa: F811
    context, page = new_page(browser)
    yield page
    context.close()


def open_diner(page, terminal):
    page.goto(terminal.url + "/")
    page.wait_for_selector("body[data-stream='open']")


def figures_hidden(page):
    """None of the money words of a charge is on screen."""
    for word in ("本次扣款", "现金余额", "补贴余额"):
        expect(page.get_by_text(word, exact=True)).not_to_be_visible()


def test_no_figures_before_the_first_tap_and_the_price_line_names_the_categories(page, canteen, start_terminal):
    world, _, _ = canteen
    world.all_day_meal(prices={"staff": 800, "contract": 1000}, price=2000)
    terminal = start_terminal()
    open_diner(page, terminal)
    expect(page.locator("#headline")).to_have_text("请刷卡")
    expect(page.locator("#meal-price")).to_have_text("在编职工 ￥8.00 · 聘用人员 ￥10.00 · 来宾 ￥20.00")
    figures_hidden(page)
    screenshot(page, "diner-idle")


def test_a_repeated_tap_shows_no_charge_and_the_screen_returns_to_idle_without_the_figures(
        page, app, canteen, start_terminal):
    world, _, _ = canteen
    app.config["DOUBLE_TAP_SECONDS"] = 60
    app.extensions.pop("canteen_rules", None)
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal(CANTEEN_TERMINAL_IDLE_SECONDS="2")
    open_diner(page, terminal)
    terminal.reader().tap(uid)
    expect(page.locator("#result[data-state='ok']")).to_be_visible()
    expect(page.get_by_text("本次扣款", exact=True)).to_be_visible()
    expect(page.locator("#amount")).to_have_text("￥10.00")
    expect(page.locator("#name")).to_have_text(name)
    screenshot(page, "diner-charged")
    terminal.reader().tap(uid)  # the same diner again, within the double-tap window
    expect(page.locator("#result[data-state='refused']")).to_be_visible()
    expect(page.locator("#headline")).to_have_text("请勿重复刷卡")
    expect(page.locator("#message")).to_contain_text("未扣款")
    figures_hidden(page)
    expect(page.get_by_text("￥10.00")).not_to_be_visible()
    screenshot(page, "diner-repeated-tap")
    expect(page.locator("#result[data-state='idle']")).to_be_visible(timeout=15000)  # by itself, after 2 s
    expect(page.locator("#headline")).to_have_text("请刷卡")
    figures_hidden(page)
    expect(page.get_by_text(name, exact=True)).not_to_be_visible()


def test_insufficient_balance_says_the_meal_and_the_balance_in_yuan_with_the_masked_name(
        page, canteen, start_terminal):
    world, _, _ = canteen
    person, card = world.diner(cash=490)
    person.name = "王小明"
    world.session.commit()
    _, uid = held(world, person, card)
    terminal = start_terminal()
    open_diner(page, terminal)
    terminal.reader().tap(uid)
    expect(page.locator("#result[data-state='refused']")).to_be_visible()
    expect(page.locator("#headline")).to_have_text("余额不足")
    expect(page.locator("#message")).to_have_text("余额不足：本餐 ￥10.00，余额 ￥4.90，未扣款，请到收银台充值。")
    expect(page.locator("#name")).to_have_text("王*明")
    expect(page.get_by_text("王小明")).not_to_be_visible()
    figures_hidden(page)
    screenshot(page, "diner-refused")


def test_an_unknown_card_is_refused_in_plain_words_not_with_its_uid(page, canteen, start_terminal):
    canteen[0].session.commit()
    terminal = start_terminal()
    open_diner(page, terminal)
    terminal.reader().tap("04AABBCCDDEE11")
    expect(page.locator("#headline")).to_have_text("未登记的卡")
    expect(page.locator("#message")).to_have_text("此卡未登记，未扣款。请到收银台办理。")
    expect(page.get_by_text("04AABBCCDDEE11")).not_to_be_visible()


def test_the_english_page_gets_the_same_refusal_in_english_with_yuan(page, canteen, start_terminal):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=490))
    terminal = start_terminal()
    page.goto(terminal.url + "/lang/en")
    open_diner(page, terminal)
    terminal.reader().tap(uid)
    expect(page.locator("#headline")).to_have_text("Insufficient balance")
    expect(page.locator("#message")).to_have_text(
        "Not enough money: this meal is ￥10.00, the balance is ￥4.90. Nothing was charged. Please top up at the "
        "cashier.")


def test_a_signed_in_cashier_pauses_charging_visibly_until_the_session_ends_by_inactivity(
        browser, canteen, start_terminal):  # noqa: F811
    world, _, _ = canteen
    username = world.operator("cashier").username
    world.session.commit()  # SQLite: let go of the database before the terminal writes
    terminal = start_terminal()
    diner_context, diner = new_page(browser)
    cashier_context, cashier = new_page(browser)
    try:
        open_diner(diner, terminal)
        expect(diner.locator("#headline")).to_have_text("请刷卡")
        sign_in(cashier, terminal, username, PASSWORD)
        expect(diner.locator("#result[data-state='paused']")).to_be_visible()
        expect(diner.locator("#headline")).to_have_text("收银中，暂停刷卡")
        expect(diner.get_by_text("请将饭卡放在读卡器上")).not_to_be_visible()
        screenshot(diner, "diner-paused")
        cashier_context.close()  # the cashier walks away: the tab is closed, nobody signs out
        supervisor = terminal.till.supervisor
        assert not supervisor.expire_cashier(now=supervisor._cashier_seen + 60)  # a minute is not enough
        assert supervisor.expire_cashier(now=supervisor._cashier_seen + 5 * 60 + 1)  # the default five minutes
        expect(diner.locator("#result[data-state='idle']")).to_be_visible()
        expect(diner.locator("#headline")).to_have_text("请刷卡")
    finally:
        diner_context.close()


def test_an_offline_charge_shows_the_balance_the_terminal_knows(page, canteen, start_terminal):
    world, _, _ = canteen
    _, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    open_diner(page, terminal)
    terminal.till.hub.publish("tap", {"state": "ok", "headline": "扣款成功（脱机）", "name": "张三", "uid": uid,
                                      "amount": 1000, "balance_left": 4000, "offline": True, "sound": "ok"})
    expect(page.get_by_text("余额", exact=True)).to_be_visible()
    expect(page.locator("#balance-left")).to_have_text("￥40.00")
    expect(page.get_by_text("现金余额", exact=True)).not_to_be_visible()
    expect(page.get_by_text("—")).not_to_be_visible()
    screenshot(page, "diner-offline-charge")


def test_the_page_clock_shows_the_tills_local_time_not_the_browsers(browser, canteen, start_terminal):  # noqa: F811
    from datetime import datetime
    from zoneinfo import ZoneInfo

    canteen[0].session.commit()
    terminal = start_terminal(CANTEEN_TERMINAL_TIMEZONE="Asia/Shanghai")
    context = browser.new_context(locale="zh-CN", timezone_id="UTC")  # the machine's browser runs in UTC
    page = context.new_page()
    try:
        open_diner(page, terminal)
        shown = datetime.strptime(page.text_content("#clock"), "%Y-%m-%d %H:%M:%S")
        local = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
        assert abs((local - shown).total_seconds()) < 120
    finally:
        context.close()


def test_voice_prompts_never_overlap_the_newest_wins(page, canteen, start_terminal):
    canteen[0].session.commit()
    terminal = start_terminal()
    page.add_init_script("""(() => { const Real = window.Audio; window.__audio = [];
        window.Audio = function (src) { const a = new Real(src); window.__audio.push(a); return a; }; })()""")
    open_diner(page, terminal)
    hub = terminal.till.hub
    hub.publish("tap", {"state": "ok", "headline": "扣款成功", "name": "张三", "amount": 1000, "cash_left": 0,
                        "subsidy_left": 0, "sound": "ok"})
    hub.publish("tap", {"state": "refused", "code": "card_lost", "headline": "此卡已挂失", "message": "此卡已挂失",
                        "sound": "lost"})
    expect(page.locator("#headline")).to_have_text("此卡已挂失")
    expect(page.locator("body")).to_have_attribute("data-voice", "beep_error lost")
    playing = page.evaluate("() => window.__audio.filter(a => !a.paused && !a.ended).map(a => a.src)")
    assert len(playing) <= 1 and all("beep_error" in src or "lost" in src for src in playing), playing


def test_a_till_without_its_server_shows_the_offline_state_without_figures(page, canteen, start_terminal):
    canteen[0].session.commit()
    terminal = start_terminal("http://127.0.0.1:9")  # nothing listens there
    open_diner(page, terminal)
    expect(page.locator("#result[data-state='offline']")).to_be_visible(timeout=15000)
    expect(page.locator("#headline")).to_have_text("请刷卡")
    expect(page.locator("#message")).to_have_text("网络中断，脱机扣款：网络恢复后自动上传")
    figures_hidden(page)
    screenshot(page, "diner-offline")
