"""Each terminal reports its blacklist version, snapshot time and outbox; the admin's terminal page shows them,
with a version behind the server's and an old snapshot highlighted."""
import re
from datetime import timedelta

from canteen.extensions import db
from canteen.models import Terminal, utcnow
from canteen.services.cards import report_loss
from tests.admin.conftest import fresh_requests, signed_in  # noqa: F401 - fixtures
from tests.offline.kit import offline_link
from tests.pos.terminal import held

URL = "/api/v1/terminal/heartbeat"


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr data-terminal="{code}">(.*?)</tr>', page, re.S)
    assert match, page[:2000]
    return match.group(1)


def test_the_terminal_reports_its_state_and_the_page_shows_staleness(world, live_server, tmp_path, signed_in):
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    code, terminal_id = terminal.code, terminal.id
    person, card = world.diner(cash=5000)
    uid = held(world, person, card)[1]
    link = offline_link(live_server, code, key, tmp_path)
    assert link.refresh_snapshot()
    link.charger.charge(uid)
    assert link.report_state(force=True)
    db.session.expire_all()
    reported = db.session.get(Terminal, terminal_id)
    assert (reported.blacklist_version, reported.outbox_pending, reported.outbox_last_seq) == (
        link.snapshot.version, 1, 1)
    assert reported.snapshot_dt.isoformat() == link.snapshot.body["generated_at"]
    manager = signed_in("manager")
    row = _row(manager.get("/admin/terminals").get_data(as_text=True), code)
    assert re.search(r'class="version ok">\s*%d' % link.snapshot.version, row), row
    assert 'class="snapshot ok"' in row and 'class="pending error">1<' in row

    _, other = world.diner(cash=100)
    report_loss(world.session, world.actor(world.cashier()), card=other)
    world.session.commit()
    row = _row(manager.get("/admin/terminals").get_data(as_text=True), code)
    assert 'class="version error"' in row and "落后" in row

    old = (utcnow() - timedelta(hours=30)).isoformat()
    headers = world.headers(terminal, key)
    sent = world.app.test_client().post(URL, json={"blacklist_version": 1, "snapshot_at": old, "outbox_pending": 0,
                                                   "outbox_last_seq": 1}, headers=headers)
    assert sent.status_code == 200, sent.json
    row = _row(manager.get("/admin/terminals").get_data(as_text=True), code)
    assert 'class="snapshot error"' in row and "已过期" in row


def test_a_bad_report_is_refused_and_changes_nothing(world, client):
    terminal, key = world.terminal()
    bad = client.post(URL, json={"blacklist_version": 3, "snapshot_at": "yesterday", "outbox_pending": 0,
                                 "outbox_last_seq": 0}, headers=world.headers(terminal, key))
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "invalid_input")
    floats = client.post(URL, json={"blacklist_version": 3.5, "outbox_pending": 0, "outbox_last_seq": 0},
                         headers=world.headers(terminal, key))
    assert floats.status_code in (400, 422)
    keyless = client.post(URL, json={"blacklist_version": 3, "outbox_pending": 0, "outbox_last_seq": 0},
                          headers=world.headers(terminal, key, idem=None))
    assert (keyless.status_code, keyless.json["error"]["code"]) == (400, "idempotency_key_missing")
    db.session.expire_all()
    assert db.session.get(Terminal, terminal.id).blacklist_version is None


def test_the_heartbeat_carries_the_receipts_waiting_at_the_printer_into_the_metrics(world, live_server, tmp_path):
    terminal, key = world.terminal()
    code = terminal.code
    world.session.commit()
    link = offline_link(live_server, code, key, tmp_path)
    waiting = [3]
    link.print_pending = lambda: waiting[0]  # the till sets it to its print queue's count
    assert link.report_state(force=True)
    metrics = world.app.test_client().get("/metrics").get_data(as_text=True)
    assert re.search(rf'canteen_terminal_print_queue\{{[^}}]*terminal="{code}"[^}}]*\}} 3\.0', metrics), metrics[-3000:]
    waiting[0] = 0  # printed: the next heartbeat says so (a new key, so the server takes it)
    assert link.report_state()
    metrics = world.app.test_client().get("/metrics").get_data(as_text=True)
    assert re.search(rf'canteen_terminal_print_queue\{{[^}}]*terminal="{code}"[^}}]*\}} 0\.0', metrics)
