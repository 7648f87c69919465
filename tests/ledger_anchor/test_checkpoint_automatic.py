"""Checkpoints are made without anyone asking: at every shift close and once a business day; the shift and daily
settlement reports and the shift receipt print the one that covers them; the database keeps them append-only."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import utcnow
from canteen.models.checkpoints import LedgerCheckpoint
from canteen.reports import shift_settlement, terminal_daily
from canteen.reports.base import Filters
from canteen.services.common import Rules
from canteen.services.shifts import close_shift, shift_report
from canteen.services.topup import top_up
from printers import shift_report_receipt
from printers.layout import receipt_text
from tests.admin.conftest import FreshClient, csrf_of, sign_in


def checkpoints(reason: str | None = None) -> list[LedgerCheckpoint]:
    query = select(LedgerCheckpoint).order_by(LedgerCheckpoint.id)
    return list(db.session.scalars(query.where(LedgerCheckpoint.reason == reason) if reason else query))


def a_closed_shift(app, world):
    """A cashier opens a shift, takes a cash top-up and closes it, under the configured rules."""
    rules = Rules.from_config(app.config)
    cashier = world.operator("cashier")
    world.shift_for(cashier, opening_float=10000)
    person, _ = world.diner()
    top_up(world.session, world.actor(cashier), rules, person=person, amount=2000, method="cash")
    shift = close_shift(world.session, world.actor(cashier), rules, counted_cash=12000)
    world.session.commit()
    return shift


def test_closing_a_shift_signs_a_checkpoint_that_its_report_and_receipt_print(app, world, signing_key):
    shift = a_closed_shift(app, world)
    [made] = checkpoints("shift")
    assert made.label == f"shift:{shift.id}" and made.entry_id == db.session.scalar(
        text("SELECT last_id FROM ledger_head WHERE id = 1"))
    report = shift_report(db.session, shift)
    assert report["checkpoint"]["id"] == made.id and report["checkpoint"]["entry_hash"] == made.entry_hash
    receipt = shift_report_receipt(canteen="机关职工餐厅", terminal="T01", operator="收银员", shift_no=str(shift.id),
                                   opened_at=shift.opened_dt, closed_at=shift.closed_dt, operations=[],
                                   methods=[], expected_cash=12000, counted_cash=12000,
                                   checkpoint=report["checkpoint"])
    printed = receipt_text(receipt, 32)
    assert "账本签名检查点" in printed and made.entry_hash[:16] in printed


def test_the_settlement_reports_name_the_last_checkpoint_of_their_period(app, world, signing_key):
    a_closed_shift(app, world)
    [made] = checkpoints()
    today = business_date(utcnow(), "Asia/Shanghai")
    period = Filters(today, today)
    for report in (shift_settlement(db.session, period), terminal_daily(db.session, period)):
        assert any(note.startswith(f"账本签名检查点 #{made.id}：至第 {made.entry_id} 笔，哈希 {made.entry_hash[:16]}")
                   for note in report.notes), report.notes


def test_without_a_key_a_shift_closes_and_no_checkpoint_is_made(app, world):
    shift = a_closed_shift(app, world)
    assert shift.closed_dt is not None and checkpoints() == []
    assert shift_report(db.session, shift)["checkpoint"] is None


def test_a_key_others_may_read_does_not_stop_a_shift_closing_and_signs_nothing(app, world, signing_key):
    signing_key[0].chmod(0o644)
    shift = a_closed_shift(app, world)
    assert shift.closed_dt is not None and checkpoints() == []


def test_the_daily_job_signs_one_checkpoint_per_business_day(app, world, signing_key):
    world.diner(cash=1000)
    db.session.rollback()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reports", "rollup"])
    assert first.exit_code == 0, first.output
    assert "daily checkpoint 1: entry 1 " in first.stdout
    again = runner.invoke(args=["reports", "rollup"])
    assert again.exit_code == 0 and "daily checkpoint" not in again.stdout
    [daily] = checkpoints("daily")
    assert daily.label == f"daily:{business_date(utcnow(), 'Asia/Shanghai').isoformat()}"


def test_the_database_refuses_to_change_or_delete_a_checkpoint(app, world, signing_key):
    assert app.test_cli_runner().invoke(args=["ledger", "checkpoint"]).exit_code == 0
    for statement in ("UPDATE ledger_checkpoint SET entry_id = 0", "DELETE FROM ledger_checkpoint"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LedgerCheckpoint)) == 1


def test_the_back_office_shift_page_shows_the_checkpoint_its_close_signed(app, world, signing_key):
    app.test_client_class = FreshClient  # every request starts with an empty g, as in production
    client = app.test_client()
    cashier = world.operator("cashier")
    assert sign_in(client, cashier.username).status_code == 302
    for path, form in (("/admin/shifts/open", {"opening_float": "100"}),
                       ("/admin/shifts/close", {"counted_cash": "100"})):
        assert client.post(path, data={"csrf_token": csrf_of(client, "/admin/shifts"), **form}).status_code == 302
    [made] = checkpoints("shift")
    page = client.get(f"/admin/{made.label.replace('shift:', 'shifts/')}").get_data(as_text=True)
    assert "账本签名检查点" in page and f"至第 {made.entry_id} 笔" in page and made.entry_hash[:16] in page
