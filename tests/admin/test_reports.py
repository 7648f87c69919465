"""Every report's figures equal a direct recomputation from the journal's rows."""
import pytest
from flask import current_app

from canteen import reports
from canteen.clock import local
from canteen.extensions import db
from canteen.models import Account, utcnow
from canteen.reports import Filters
from tests.admin.dataset import DAYS
from tests.admin.recompute import Journal

START, END = DAYS[0], DAYS[-1]


def filters(**kw):
    return Filters(start=kw.pop("start", START), end=kw.pop("end", END), **kw)


def dims(canteen):
    """Filter combinations to try: everything, one department, one terminal, one meal period, part of the week."""
    lunch = next(p.id for p in Journal().periods.values() if p.code == "lunch")
    return [
        {}, {"department_ids": (canteen.departments[0].id,)}, {"category_ids": (canteen.people[4].category_id,)},
        {"terminal_ids": (canteen.terminals[1].id,)}, {"meal_period_ids": (lunch,)},
        {"start": DAYS[2], "end": DAYS[3], "department_ids": (canteen.departments[1].id, canteen.departments[2].id)},
    ]


def _journal_dims(kw):
    return {"departments": kw.get("department_ids", ()), "categories": kw.get("category_ids", ()),
            "terminals": kw.get("terminal_ids", ()), "periods": kw.get("meal_period_ids", ())}


def test_headcount_per_meal_matches_the_journal(canteen):
    journal = Journal()
    for kw in dims(canteen):
        f = filters(**kw)
        report = reports.headcount(db.session, f)
        expected = journal.headcount(f.start, f.end, **_journal_dims(kw))
        got = {(r["date"], r["meal_period"]): (r["visits"], r["diners"]) for r in report.rows}
        want = {(d, journal.periods[p].name if p else "时段外"): v for (d, p), v in expected["per_meal"].items()}
        assert got == want, kw
        for key in ("visits", "meals", "diners", "average_per_meal", "busiest_diners", "busiest_lunch"):
            assert report.totals[key] == expected[key], (kw, key)
    assert reports.headcount(db.session, filters()).totals["visits"] > 100


def test_a_fully_refunded_meal_is_not_a_visit_but_a_partial_refund_is(canteen):
    journal = Journal()
    counted = journal.counted_meals(START, END)
    all_meals = [e for e in journal.entries.values() if e.kind == "meal"]
    assert len(all_meals) - len(counted) == 1
    assert reports.headcount(db.session, filters()).totals["visits"] == len(counted)


@pytest.mark.parametrize("by", ["department", "category", "terminal", "meal_period", "day", "month"])
def test_consumption_summary_matches_the_journal(canteen, by):
    journal = Journal()
    key = {
        "department": lambda e, m: journal.people[e.person_id].department_id,
        "category": lambda e, m: journal.people[e.person_id].category_id,
        "terminal": lambda e, m: m.terminal_id, "meal_period": lambda e, m: m.meal_period_id,
        "day": lambda e, m: m.business_date.isoformat(), "month": lambda e, m: m.business_date.strftime("%Y-%m"),
    }[by]
    for kw in dims(canteen):
        f = filters(**kw)
        report = reports.consumption_summary(db.session, f, by=by)
        expected = journal.consumption(f.start, f.end, key, **_journal_dims(kw))
        assert sorted((r["meals"], r["amount"], r["refunds"], r["refunded"]) for r in report.rows) == \
            sorted(tuple(v) for v in expected.values()), (by, kw)
        assert report.totals["net"] == sum(v[1] - v[3] for v in expected.values())
        detail = reports.consumption_detail(db.session, f)
        assert detail.totals["amount"] == report.totals["net"]
        assert detail.totals["count"] == report.totals["meals"] + report.totals["refunds"]


def test_topups_by_method_and_operator_match_the_journal(canteen):
    journal = Journal()
    for kw in ({}, {"department_ids": (canteen.departments[2].id,)}, {"start": DAYS[1], "end": DAYS[4]}):
        f = filters(**kw)
        rows = journal.topups(f.start, f.end, kw.get("department_ids", ()))
        by_method, by_operator = {}, {}
        for entry, fen in rows:
            by_method[entry.method] = by_method.get(entry.method, 0) + fen
            by_operator[entry.operator_id] = by_operator.get(entry.operator_id, 0) + fen
        method = reports.topup_summary(db.session, f, by="method")
        operator = reports.topup_summary(db.session, f, by="operator")
        assert sorted(r["amount"] for r in method.rows) == sorted(by_method.values())
        assert sorted(r["amount"] for r in operator.rows) == sorted(by_operator.values())
        assert method.totals["amount"] == operator.totals["amount"] == sum(fen for _, fen in rows)
        detail = reports.topup_detail(db.session, f)
        assert detail.totals == {"count": len(rows), "amount": sum(fen for _, fen in rows)}
    methods = {r["group"] for r in reports.topup_summary(db.session, filters()).rows}
    assert methods == {"现金", "微信", "支付宝", "银行转账"}


def test_refunds_by_operator_match_the_journal_and_name_the_approver(canteen):
    journal = Journal()
    refunds = [e for e in journal.entries.values() if e.kind == "refund"]
    report = reports.refund_report(db.session, filters())
    assert report.totals == {"count": len(refunds), "amount": sum(e.amount for e in refunds)}
    assert [r["amount"] for r in report.rows if r["approver"]] == [6000]


def test_balance_report_equals_the_ledgers_wallets(canteen):
    report = reports.balance_report(db.session, filters())
    wallets = {k: sum(a.balance for a in db.session.query(Account).filter(Account.kind == k)) for k in
               ("cash", "subsidy", "deposit")}
    assert {k: report.totals[k] for k in wallets} == wallets
    assert report.totals["reconciled"] is True
    assert report.totals["total"] == sum(wallets.values())
    journal = Journal()
    for end in (DAYS[0], DAYS[2], DAYS[4]):
        held = journal.balances(end, (canteen.departments[0].id,))
        past = reports.balance_report(db.session, filters(end=end, department_ids=(canteen.departments[0].id,)))
        assert {r["staff_no"]: (r["cash"], r["subsidy"], r["deposit"]) for r in past.rows} == {
            journal.people[pid].staff_no: (h["cash"], h["subsidy"], h["deposit"]) for pid, h in held.items()}


def test_funds_summary_opening_plus_in_minus_out_is_closing_and_reconciles(canteen):
    journal = Journal()
    for start in (DAYS[0], DAYS[3]):
        report = reports.funds_summary(db.session, filters(start=start))
        opening = sum(fen for e, _a, fen in journal.wallet_postings() if e.business_date < start)
        moved = sum(fen for e, _a, fen in journal.wallet_postings() if start <= e.business_date <= END)
        t = report.totals
        assert t["opening"] == opening and t["closing"] == opening + moved
        assert t["opening"] + t["money_in"] - t["money_out"] == t["closing"]
        assert t["reconciled"] is True
    held = sum(a.balance for a in journal.accounts.values() if a.kind in ("cash", "subsidy", "deposit"))
    assert report.totals["closing"] == held


def test_card_report_counts_new_reissued_lost_and_cancelled_with_cash(canteen):
    journal = Journal()
    report = reports.card_report(db.session, filters())
    issued = journal.card_events(START, END, "issued")
    reissued = [ev for ev in issued if journal.cards[ev.card_id].replaces_id]
    cancelled = journal.cancellations(START, END)
    assert report.totals["new"] == len(issued) - len(reissued) == 12
    assert report.totals["reissued"] == len(reissued) == 2
    assert report.totals["lost"] == len(journal.card_events(START, END, "lost")) == 2
    assert report.totals["cancelled"] == len(cancelled) == 2
    assert report.totals["cancelled_cash"] == sum(cancelled.values()) > 0
    late = reports.card_report(db.session, filters(start=DAYS[5]))
    assert (late.totals["new"], late.totals["reissued"], late.totals["lost"], late.totals["cancelled"]) == (0, 0, 1, 2)


def test_terminal_daily_and_shift_settlement_match_the_journal(canteen):
    journal = Journal()
    report = reports.terminal_daily(db.session, filters())
    meals = [e for e in journal.entries.values() if e.kind == "meal"]
    assert report.totals["meals"] == len(meals)
    assert report.totals["meal_amount"] == sum(e.amount for e in meals)
    east = reports.terminal_daily(db.session, filters(terminal_ids=(canteen.terminals[0].id,)))
    assert east.totals["meal_amount"] == sum(e.amount for e in meals if e.terminal_id == canteen.terminals[0].id)
    today = local(utcnow(), current_app.config["TIMEZONE"]).date()  # the canteen's today: shifts opened now fall on it
    shifts = reports.shift_settlement(db.session, filters(start=START, end=today))
    drawer = {a.shift_id: a.balance for a in journal.accounts.values() if a.kind == "drawer"}
    for row in shifts.rows:
        shift = next(s for s in journal.shifts if s.id == row["shift"])
        assert row["expected"] == shift.opening_float - drawer[shift.id]
    assert len(shifts.rows) == len(journal.shifts) == 2


def test_statement_runs_from_opening_to_closing_balance(canteen):
    person = canteen.people[0]
    journal = Journal()
    held = journal.balances(END)[person.id]
    report = reports.statement(db.session, filters(start=DAYS[2], person_id=person.id))
    assert report.totals["closing"] == sum(held.values())
    before = journal.balances(DAYS[1])[person.id]
    assert report.totals["opening"] == sum(before.values())
    assert report.rows[-1]["balance"] == report.totals["closing"]
