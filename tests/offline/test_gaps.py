"""Gaps in a terminal's offline sequence: noted at sync, listed by `canteen offline gaps` and on the terminal
page, resolved with a reason (audited) so the queue goes on; charges that turn up later are still booked once."""
from datetime import timedelta

from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import AuditEntry, JournalEntry, OfflineGap, utcnow
from canteen.services.verify import verify_ledger
from tests.admin.conftest import csrf_of, fresh_requests, signed_in  # noqa: F401 - fixtures
from tests.offline.kit import sealed

URL = "/api/v1/sync/offline-charges"
#: One tap time for every item, so the same sequence number always carries the same seal.
TAPPED = (utcnow() - timedelta(minutes=5)).isoformat()


def _send(world, client, terminal, key, card, seqs):
    items = [sealed(key, terminal.code, n, card.uid, 1000, TAPPED) for n in seqs]
    return client.post(URL, json={"items": items}, headers=world.headers(terminal, key)).json["results"]


def _gapped(world, client):
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    _, card = world.diner(cash=50_000)
    results = _send(world, client, terminal, key, card, [1, 2, 5, 6])
    assert [(r["status"], r["code"]) for r in results] == [
        ("booked", None), ("booked", None), ("refused", "offline_sequence_gap")]
    return terminal, key, card


def _meals(world, terminal):
    world.session.commit()
    return world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.terminal_id == terminal.id, JournalEntry.kind == "meal"))


def test_a_gap_is_listed_resolved_with_a_reason_and_late_charges_still_book_once(world, client, app):
    terminal, key, card = _gapped(world, client)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["offline", "gaps", "--terminal", terminal.code])
    assert listed.exit_code == 1, listed.output
    assert "seq 3-4" in listed.output and "2 charges" in listed.output and "missing" in listed.output
    # Still refused until someone decides.
    assert _send(world, client, terminal, key, card, [5])[0]["code"] == "offline_sequence_gap"
    gap_id = world.session.scalar(select(OfflineGap.id))
    manager = world.operator("manager")
    no_reason = runner.invoke(args=["offline", "resolve-gap", str(gap_id), "--reason", " ",
                                    "--operator", manager.username])
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    cashier = world.operator("cashier")
    refused = runner.invoke(args=["offline", "resolve-gap", str(gap_id), "--reason", "磁盘更换",
                                  "--operator", cashier.username])
    assert refused.exit_code == 1
    done = runner.invoke(args=["offline", "resolve-gap", str(gap_id), "--reason", "终端硬盘损坏，记录丢失",
                               "--operator", manager.username])
    assert done.exit_code == 0, done.output
    audit = world.session.scalar(select(AuditEntry).where(AuditEntry.action == "offline_gap.resolve"))
    assert (audit.username, audit.detail, audit.result) == (manager.username, "终端硬盘损坏，记录丢失", "ok")
    assert runner.invoke(args=["offline", "gaps"]).exit_code == 0
    assert [r["status"] for r in _send(world, client, terminal, key, card, [5, 6])] == ["booked", "booked"]
    # The "lost" charges turn up after all: booked once, then replays.
    assert [r["status"] for r in _send(world, client, terminal, key, card, [3, 4])] == ["booked", "booked"]
    assert [r["status"] for r in _send(world, client, terminal, key, card, [3, 4, 5])] == ["replayed"] * 3
    assert _meals(world, terminal) == 6
    again = runner.invoke(args=["offline", "resolve-gap", str(gap_id), "--reason", "x",
                                "--operator", manager.username])
    assert again.exit_code == 1
    proof = verify_ledger(world.session)
    assert proof.ok, proof.problems


def test_an_unknown_terminal_is_refused_on_the_command_line(app, world):
    result = app.test_cli_runner().invoke(args=["offline", "gaps", "--terminal", "NOPE"])
    assert result.exit_code == 2 and "no terminal NOPE" in result.output


def test_the_terminal_page_lists_a_gap_and_a_manager_resolves_it(world, client, signed_in):
    terminal, key, card = _gapped(world, client)
    gap_id = world.session.scalar(select(OfflineGap.id))
    manager = signed_in("manager")
    page = manager.get("/admin/terminals").get_data(as_text=True)
    assert f'data-gap="{gap_id}"' in page and "3–4" in page
    token = csrf_of(manager, "/admin/terminals")
    manager.post(f"/admin/terminals/gaps/{gap_id}/resolve", data={"reason": "", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(OfflineGap, gap_id).resolved_dt is None
    manager.post(f"/admin/terminals/gaps/{gap_id}/resolve", data={"reason": "已确认丢失", "csrf_token": token})
    db.session.expire_all()
    gap = db.session.get(OfflineGap, gap_id)
    assert (gap.reason, gap.resolved_by) == ("已确认丢失", manager.operator.id)
    assert f'data-gap="{gap_id}"' not in manager.get("/admin/terminals").get_data(as_text=True)
    auditor = signed_in("auditor")
    forbidden = auditor.post(f"/admin/terminals/gaps/{gap_id}/resolve",
                             data={"reason": "x", "csrf_token": csrf_of(auditor, "/admin/terminals")})
    assert forbidden.status_code in (302, 403)
    assert [r["status"] for r in _send(world, client, terminal, key, card, [5])] == ["booked"]
