"""A cashier closes a shift in the back office (real Chromium) and the shift report shows the ledger checkpoint
the close signed."""
import os

import pytest
from sqlalchemy import select

from canteen.extensions import db
from canteen.models.checkpoints import LedgerCheckpoint
from tests.browser import chromium
from tests.world import PASSWORD


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def test_a_cashier_sees_the_signed_checkpoint_on_the_report_of_the_shift_just_closed(
        browser, live_server, world, signing_key, tmp_path):
    username = world.operator("cashier").username
    db.session.commit()  # and touch no ORM object after: on SQLite a refresh would begin a writing transaction
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(live_server + "/admin/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server + "/admin/")
        page.goto(live_server + "/admin/shifts")
        page.fill("input[name=opening_float]", "100")
        page.click("text=开始班次")
        page.goto(live_server + "/admin/shifts")
        page.fill("input[name=counted_cash]", "100")
        page.click("button:has-text('交班')")
        page.wait_for_url(live_server + "/admin/shifts/*")
        db.session.rollback()
        made = db.session.scalar(select(LedgerCheckpoint).where(LedgerCheckpoint.reason == "shift"))
        db.session.commit()
        row = page.locator("tr", has_text="账本签名检查点")
        row.wait_for(state="visible")
        assert f"#{made.id}" in row.inner_text() and made.entry_hash[:16] in row.inner_text()
        folder = os.environ.get("CANTEEN_SCREENSHOTS", str(tmp_path))
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, "admin-shift-checkpoint.png"), full_page=True)
    finally:
        context.close()
