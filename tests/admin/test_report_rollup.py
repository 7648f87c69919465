"""Reports read from the pre-aggregates equal the journal, before and after the rollup catches up."""
import hashlib
import threading
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import func, select

from canteen import reports
from canteen.extensions import db
from canteen.models import EntryTally, HeadcountTally, JournalEntry, MealTally, PostingTally, RollupState
from canteen.models.diner_tally import DinerTally
from canteen.reports import Filters
from canteen.reports.rollup import rollup, rollup_step
from canteen.reports.tallies import DIRECT, read_cut
from canteen.services.meals import charge_meal
from canteen.rules.offline_seal import item_seal as seal
from canteen.services.offline import replay_offline_charges
from canteen.services.refunds import refund
from canteen.services.topup import top_up
from tests.admin.dataset import DAYS, _meal_of, at
from tests.admin.recompute import Journal
from tests.admin.test_reports import _journal_dims, dims

REPORTS = {
    "headcount": (reports.headcount, {}),
    **{f"consumption_{by}": (reports.consumption_summary, {"by": by}) for by in reports.DIMENSIONS},
    "topups_method": (reports.topup_summary, {"by": "method"}),
    "topups_operator": (reports.topup_summary, {"by": "operator"}),
    "refunds": (reports.refund_report, {}),
    "terminal_daily": (reports.terminal_daily, {}),
    "funds": (reports.funds_summary, {}),
}


def _filters(kw, end=None):
    return Filters(start=kw.get("start", DAYS[0]), end=kw.get("end", end or DAYS[-1]),
                   **{k: v for k, v in kw.items() if k not in ("start", "end")})


def assert_tallied_reports_equal_direct(canteen, end=None):
    """Every report, under every filter combination, equals the same report read straight from the journal."""
    for kw in dims(canteen):
        f = _filters(kw, end)
        for name, (report, extra) in REPORTS.items():
            tallied = asdict(report(db.session, f, **extra))
            direct = asdict(report.__wrapped__(db.session, f, cut=DIRECT, **extra))
            assert tallied == direct, (name, kw)
        expected = Journal().headcount(f.start, f.end, **_journal_dims(kw))
        got = reports.headcount(db.session, f).totals
        assert {k: got[k] for k in ("visits", "diners", "busiest_lunch")} == {
            k: expected[k] for k in ("visits", "diners", "busiest_lunch")}, kw
    f = _filters({"start": DAYS[1]}, end)
    detail = reports.consumption_detail(db.session, f)
    first = reports.consumption_detail(db.session, f, limit=7)
    assert first.rows == detail.rows[:7] and first.totals == detail.totals
    assert [(r["date"], r["entry"]) for r in detail.rows] == sorted((r["date"], r["entry"]) for r in detail.rows)
    summary = reports.work_summary(db.session, _filters({}, end))
    assert summary["text"].startswith(reports.summary.TEMPLATE.format(**{f.key: f.value for f in summary["figures"]}))


def _tallies():
    """Everything the tallies hold, to compare two states."""
    return [sorted(tuple(row) for row in db.session.execute(select(*model.__table__.c).order_by(model.id)))
            for model in (EntryTally, PostingTally, MealTally, HeadcountTally, DinerTally)]


def _offline_meal(world, canteen, person, when):
    """A meal tapped offline at `when` (a past business day) and replayed now: booked late, dated then."""
    terminal = canteen.terminals[0]
    item = {"seq": 1, "uid": canteen.uids[person.id], "amount": 700, "tapped_at": when.isoformat(),
            "online_key": None}
    item["mac"] = seal(terminal.key_hash, terminal.code, item)
    results, _ = replay_offline_charges(db.session, terminal, world.rules, [item], now=when + timedelta(hours=2))
    db.session.commit()
    assert results[0].status == "booked", results[0]
    return results[0].entry_id


def test_reports_stay_exact_across_rollups_late_refunds_and_offline_meals(world, canteen):
    from canteen.services.common import Actor

    s, p = db.session, canteen.people
    first, last = rollup(s, batch=97)
    assert (first, last) == (0, s.scalar(select(func.max(JournalEntry.id))))
    assert read_cut(s).watermark == last
    assert_tallied_reports_equal_direct(canteen)
    lunch_before = reports.headcount(s, _filters({"start": DAYS[3], "end": DAYS[3]})).totals["visits"]

    def act(when, operator=None, terminal=None):
        return Actor(key=f"rollup:{hashlib.sha1(repr((when, len(s.identity_map))).encode()).hexdigest()}",
                     operator=operator, terminal=terminal, at=when)

    # After the rollup: a rolled-up meal refunded in full, another in part, a meal offline on a past day,
    # a top-up and a fresh meal.
    whole = _meal_of(p[1], DAYS[3], 12)
    refund(s, act(at(DAYS[5], 21), canteen.cashier), world.rules, original_id=whole.id, amount=whole.amount)
    part = _meal_of(p[2], DAYS[4], 12)
    refund(s, act(at(DAYS[5], 21, 5), canteen.cashier), world.rules, original_id=part.id, amount=100)
    s.commit()
    late = _offline_meal(world, canteen, p[9], at(DAYS[2], 15, 30))
    assert s.get(JournalEntry, late).business_date == DAYS[2] and late > last
    top_up(s, act(at(DAYS[5], 21, 10), canteen.cashier), world.rules, person=p[11], amount=2500, method="cash")
    charge_meal(s, act(at(DAYS[5], 18, 50), terminal=canteen.terminals[1]), world.rules, uid=canteen.uids[p[2].id])
    s.commit()
    # A new meal refunded in full before any rollup: its diner still counts for their earlier meals.
    fresh = charge_meal(s, act(at(DAYS[5], 18, 55), terminal=canteen.terminals[0]), world.rules,
                        uid=canteen.uids[p[8].id]).entry
    s.commit()
    refund(s, act(at(DAYS[5], 21, 15), canteen.cashier), world.rules, original_id=fresh.id, amount=fresh.amount)
    s.commit()
    assert read_cut(s).watermark == last  # not rolled up: the reports read these from the journal
    assert reports.headcount(s, _filters({"start": DAYS[3], "end": DAYS[3]})).totals["visits"] == lunch_before - 1
    assert_tallied_reports_equal_direct(canteen)

    rollup(s)
    assert read_cut(s).watermark == s.scalar(select(func.max(JournalEntry.id)))
    assert_tallied_reports_equal_direct(canteen)


def test_a_person_who_changes_department_moves_their_history_at_the_next_rollup(world, canteen):
    s = db.session
    rollup(s)
    person, target = canteen.people[0], canteen.departments[2]
    assert person.department_id != target.id
    person.department = target
    s.commit()
    assert read_cut(s).moved
    assert_tallied_reports_equal_direct(canteen)
    rollup(s)
    assert not read_cut(s).moved
    assert_tallied_reports_equal_direct(canteen)
    by_department = reports.consumption_summary(s, _filters({"department_ids": (target.id,)}), by="department")
    assert by_department.rows[0]["group"] == target.name and by_department.totals["meals"] > 0


def test_the_rollup_is_idempotent(world, canteen):
    s = db.session
    rollup(s, batch=40)
    state = s.execute(select(RollupState.watermark, RollupState.version)).one()
    held = _tallies()
    assert rollup(s) == (state.watermark, state.watermark)
    assert s.execute(select(RollupState.watermark, RollupState.version)).one() == state
    assert _tallies() == held


def test_the_rollup_command_reports_how_far_the_tallies_reach(app, world, canteen):
    runner = app.test_cli_runner()
    last = db.session.scalar(select(func.max(JournalEntry.id)))
    db.session.commit()
    result = runner.invoke(args=["reports", "rollup", "--batch", "100"])
    assert result.exit_code == 0, result.output
    assert f"report tallies reach entry {last}" in result.output
    again = runner.invoke(args=["reports", "rollup"])
    assert again.exit_code == 0 and "nothing new" in again.output
    refused = runner.invoke(args=["reports", "rollup", "--batch", "0"])
    assert refused.exit_code == 2 and "--batch" in refused.output


def test_a_second_rollup_waits_for_the_first_and_adds_each_entry_once(app, world, canteen):
    s = db.session
    low, high = rollup_step(s, batch=60)  # holds the state row's lock until the commit below
    assert (low, high) == (0, 60)
    other: dict = {}

    def run():
        with app.app_context():
            other["range"] = rollup(db.session)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # it waits on the lock, it does not add the same entries again
    s.commit()
    thread.join()
    last = s.scalar(select(func.max(JournalEntry.id)))
    assert other["range"] == (60, last)
    assert_tallied_reports_equal_direct(canteen)
