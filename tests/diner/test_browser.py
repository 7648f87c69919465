"""The self-service pages on a phone in a real browser (Playwright driving Debian's headless Chromium): a diner
sets up and signs in, books tomorrow's lunch, reports the card lost; the terminal then refuses the card."""
import uuid

import pytest
import requests
from sqlalchemy import select

from canteen.extensions import db
from canteen.models import MealPeriod, utcnow
from canteen.models.bookings import MealBooking
from canteen.services.bookings import save_rule
from tests.diner.conftest import PASSWORD, new_code
from tests.browser import chromium



@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the system's, never a downloaded one)."""
    yield from chromium()


@pytest.fixture
def phone(browser):
    """A phone-sized tab (390 x 844, touch) with its own cookies."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


def test_a_diner_signs_in_on_a_phone_books_lunch_reports_the_card_lost_and_the_terminal_refuses(
        phone, live_server, world):
    lunch = db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))
    lunch.weekdays = "1234567"
    save_rule(db.session, lunch, required=True, walk_in_allowed=True, charge_no_shows=False, cutoff_days_before=0,
              cutoff_time=lunch.start_time, now=utcnow())
    world.all_day_meal(price=1000)  # the terminal below charges at any hour
    lunch.active = True
    db.session.commit()
    terminal, key = world.terminal()
    person, card = world.diner(cash=5000)
    code = new_code(world, person)
    staff_no, uid, terminal_code, lunch_id, person_id = person.staff_no, card.uid, terminal.code, lunch.id, person.id
    db.session.commit()  # nothing may hold SQLite's write lock while the server works (every transaction is IMMEDIATE)

    phone.goto(live_server + "/me/")
    phone.wait_for_url(live_server + "/me/login")
    phone.click("text=设置密码")
    phone.fill("input[name=staff_no]", staff_no)
    phone.fill("input[name=code]", code)
    phone.fill("input[name=password]", PASSWORD)
    phone.fill("input[name=password2]", PASSWORD)
    phone.click("#setup button[type=submit]")
    phone.wait_for_url(live_server + "/me/")
    assert phone.text_content("#cash") == "50.00"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone, no sideways scrolling

    phone.click("nav.tabs >> text=报餐")
    tomorrow = phone.locator("section.day").nth(1)
    row = tomorrow.locator("div.meal-row[data-period='lunch']")
    assert row.get_attribute("data-booked") == "0"
    row.locator("button").click()
    phone.wait_for_selector("p.flash:has-text('已报餐')")
    day = phone.locator("section.day").nth(1).get_attribute("data-day")
    assert phone.locator("section.day").nth(1).locator("div.meal-row[data-period='lunch']").get_attribute(
        "data-booked") == "1"
    db.session.expire_all()
    assert [(b.person_id, b.day.isoformat(), b.meal_period_id, b.state) for b in db.session.scalars(
        select(MealBooking))] == [(person_id, day, lunch_id, "booked")]
    db.session.commit()

    phone.click("nav.tabs >> text=我的账户")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.click("#loss button")
    phone.wait_for_selector("#card-state[data-state='lost']")
    reply = requests.post(live_server + "/api/v1/taps", json={"uid": uid}, timeout=10, headers={
        "X-Terminal-Id": terminal_code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex})
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "card_lost"
