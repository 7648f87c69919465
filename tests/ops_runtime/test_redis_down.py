"""Redis stopped mid-lunch and started again: taps go on, the dashboard says its live pushes are away (visible
in the browser) and polls, and it goes back to live pushes once Redis answers again."""
import os

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import chromium
from tests.offline.faults import ServerProcess, wait_until
from tests.ops_runtime.processes import OwnRedis
from tests.world import PASSWORD

OK_NOTE = "实时推送"
DEGRADED_NOTE = "实时推送不可用（Redis 未配置或不可达），每 10 秒刷新"


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def add_manager(url: str) -> str:
    from canteen import create_app
    from canteen.extensions import db
    from tests.world import World

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "ops"})
    with app.app_context():
        username = World(app).operator("manager").username
        db.session.remove()
        db.engine.dispose()
    return username


def test_redis_down_taps_go_on_the_dashboard_says_so_and_recovers(seeded, tmp_path, browser):
    url, uids, terminals = seeded
    username = add_manager(url)
    own_redis = OwnRedis(tmp_path / "redis").start()
    server = ServerProcess(url, tmp_path, redis_url=own_redis.url, workers=1)
    server.env["CANTEEN_DISABLED_APPS"] = ""
    server.start()
    shots = os.environ.get("OPS_SCREENSHOTS", str(tmp_path))
    creds, served = terminals[0], iter(uids)
    taps = 0

    def tap() -> None:
        nonlocal taps
        taps += 1
        r = requests.post(server.url + "/api/v1/taps", json={"uid": next(served)}, timeout=10,
                          headers={"X-Terminal-Id": creds.code, "X-Terminal-Key": creds.key,
                                   "Idempotency-Key": f"r-{taps}"})
        assert r.status_code == 200, r.text

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(server.url + "/admin/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server.url + "/admin/")
        page.goto(server.url + "/admin/dashboard")
        mode, visits = page.locator("#live-mode"), page.locator("#live-visits")
        assert mode.is_visible() and mode.inner_text() == OK_NOTE
        tap()
        # Locator assertions, not string predicates: the page's CSP forbids eval.
        expect(visits).to_have_text("1", timeout=30000)

        own_redis.stop()  # Redis gone mid-lunch
        for _ in range(3):
            tap()  # payments continue
        health = requests.get(server.url + "/healthz", timeout=5).json()
        assert health["status"] == "degraded" and health["redis"]["ok"] is False
        assert requests.get(server.url + "/healthz/ready", timeout=5).status_code == 200
        expect(mode).to_have_text(DEGRADED_NOTE, timeout=30000)
        assert mode.is_visible() and mode.inner_text() == DEGRADED_NOTE
        expect(visits).to_have_text("4", timeout=30000)  # by polling, every 10 s
        page.screenshot(path=os.path.join(shots, "dashboard-redis-down.png"), full_page=True)

        own_redis.start()  # back on the same port
        wait_until(lambda: requests.get(server.url + "/healthz", timeout=5).json()["redis"]["ok"], 20, "redis ok")
        expect(mode).to_have_text(OK_NOTE, timeout=30000)
        tap()
        expect(visits).to_have_text("5", timeout=30000)
        assert mode.is_visible() and mode.inner_text() == OK_NOTE and visits.inner_text() == "5"
        page.screenshot(path=os.path.join(shots, "dashboard-redis-back.png"), full_page=True)
    finally:
        context.close()
        server.stop()
        own_redis.stop()
    assert taps == 5
