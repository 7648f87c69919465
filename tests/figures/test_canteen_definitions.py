"""One test per canteen figure definition (统计口径) and per defect of issue 17 (1-6)."""
from datetime import date, timedelta

from sqlalchemy import select

from canteen import reports
from canteen.extensions import db
from canteen.figures import CANTEEN, FUNCTIONS, KITCHEN, Sources, canteen_figures, definition, served_meals
from canteen.models import JournalEntry, OfflineCharge
from canteen.models.offline import OfflineException
from canteen.reports.rollup import rollup
from canteen.services.forecasts import daily_counts
from tests.figures.helpers import Offline, at, guests, meal, no_show, period, refund_all, span

DAY = date(2026, 11, 30)  # a Monday; December starts the day after


def _figures(f):
    return {x.key: x.raw for x in canteen_figures(db.session, f)}


def _both(f):
    """The figures read straight from the journal and again after the rollup: they must agree."""
    before = _figures(f)
    rollup(db.session)
    after = _figures(f)
    assert before == after
    return after


def test_every_figure_has_a_written_definition_and_one_function():
    assert [d.key for d in CANTEEN] == list(FUNCTIONS)
    for d in (*CANTEEN, KITCHEN):
        assert d.counts and d.leaves_out and d.dated and d.source and d.report
    assert "来宾" in definition("visits").leaves_out and "时段外" in definition("average_per_meal").leaves_out


def test_guest_meals_are_shown_beside_the_diners_meals_each_labelled(world):
    """Defect 1: diners' meals and all meals served, both figures, both labelled."""
    terminal, _ = world.terminal()
    for _ in range(2):
        _, card = world.diner(cash=5000)
        meal(world, terminal, card, at(DAY, 12))
    guests(world, terminal, DAY, 3)
    got = _both(span(DAY, DAY))
    assert (got["visits"], got["visits_all"]) == (2, 5)
    assert (got["average_per_meal"], got["average_per_meal_all"]) == (2, 5)
    assert (got["busiest_lunch"], got["busiest_lunch_all"]) == (2, 5)
    text = reports.work_summary(db.session, span(DAY, DAY))["text"]
    assert "就餐人数达2人次" in text and "共供餐5人次" in text and "中午供餐最多时5人" in text
    labels = {f.key: f.label for f in canteen_figures(db.session, span(DAY, DAY))}
    assert labels["visits"] == "就餐人次（职工）" and labels["visits_all"] == "供餐人次（含来宾）"
    # Filtered by department, guests (who have none) are not counted: the all-meals figures say so.
    department = world.department("综合科")
    dept = _figures(reports.Filters(start=DAY, end=DAY, department_ids=(department.id,)))
    assert dept["visits"] == 2 and dept["visits_all"] is None


def test_a_top_up_counts_what_the_diner_paid_including_the_debt_it_repaid(world):
    """Defect 2: a 50.00 top-up that first repaid 15.00 of offline debt counts as 50.00."""
    person, card = world.diner(cash=0)
    offline = Offline(world)
    result = offline.charge(card, 1500, at(DAY, 12), at(DAY, 12, 30))
    assert "insufficient_balance" in result.flags
    before = _figures(span(DAY, DAY))["top_up"]
    world.top_up(person, 5000)
    day = db.session.scalar(select(JournalEntry.business_date).where(JournalEntry.kind == "top_up"))
    got = _both(span(day, day))
    assert got["top_up"] - (before if day == DAY else 0) == 5000
    assert reports.topup_detail(db.session, span(day, day)).rows[-1]["amount"] == 5000


def test_outside_any_meal_period_is_counted_but_is_no_meal_of_the_average(world):
    """Defect 3: one offline charge at 15:10 does not move the average per meal."""
    terminal, _ = world.terminal()
    offline = Offline(world)
    cards = [world.diner(cash=5000)[1] for _ in range(3)]
    for card in cards:
        meal(world, terminal, card, at(DAY, 12))
    offline.charge(cards[0], 800, at(DAY, 15, 10), at(DAY, 15, 20))
    got = _both(span(DAY, DAY))
    assert got["visits"] == 4  # 人次 counts it
    assert got["average_per_meal"] == 3  # one meal (lunch) of 3 diners; not (3 + 1) / 2
    heads = reports.headcount(db.session, span(DAY, DAY)).totals
    assert heads["meals"] == 1 and "时段外消费不算一餐" in reports.headcount(db.session, span(DAY, DAY)).notes[0]


def test_an_offline_meal_older_than_a_week_keeps_its_date_time_and_meal(world):
    """Defect 4: a lunch sealed 2026-11-30 12:10 and synced 2026-12-07 stays that lunch; late is a flag."""
    _, card = world.diner(cash=5000)
    offline = Offline(world)
    eaten, synced = at(DAY, 12, 10), at(date(2026, 12, 7), 18, 0)
    result = offline.charge(card, 800, eaten, synced)
    assert result.status == "booked" and result.flags == ["late_arrival"]
    entry = db.session.get(JournalEntry, result.entry_id)
    assert entry.business_date == DAY and entry.meal_period_id == period("lunch").id
    charge = db.session.scalar(select(OfflineCharge).where(OfflineCharge.entry_id == entry.id))
    assert charge.tapped_dt == eaten and charge.received_dt == synced
    exception = db.session.scalar(select(OfflineException).where(OfflineException.entry_id == entry.id))
    assert exception.reason == "late_arrival" and exception.tapped_dt == eaten
    assert _both(span(DAY, DAY))["visits"] == 1
    assert _figures(span(date(2026, 12, 7), date(2026, 12, 7)))["visits"] == 0


def test_a_clock_that_cannot_be_true_books_at_arrival_but_keeps_the_sealed_time(world):
    _, card = world.diner(cash=5000)
    offline = Offline(world)
    claimed, synced = at(date(2019, 1, 1), 12), at(DAY, 12, 30)
    result = offline.charge(card, 800, claimed, synced)
    assert result.flags == ["clock_skew"]
    assert db.session.get(JournalEntry, result.entry_id).business_date == DAY
    charge = db.session.scalar(select(OfflineCharge).where(OfflineCharge.entry_id == result.entry_id))
    assert charge.tapped_dt == claimed


def test_no_show_charges_are_not_meals_eaten_in_the_kitchen_or_the_forecast(world):
    """Defect 5: the kitchen's actual headcount and the forecast's history leave no-show charges out."""
    terminal, _ = world.terminal()
    ate = [world.diner(cash=5000) for _ in range(3)]
    for _, card in ate:
        meal(world, terminal, card, at(DAY, 12))
    absent, _ = world.diner(cash=5000)
    no_show(world, absent, DAY, "lunch")
    guests(world, terminal, DAY, 1)
    lunch = period("lunch").id
    assert served_meals(db.session, DAY, DAY)[(DAY, lunch)] == 4  # 3 diners + 1 guest; not the no-show
    assert daily_counts(db.session, DAY, DAY)[(DAY, lunch)] == 4
    got = _both(span(DAY, DAY))
    assert got["visits"] == 3
    assert got["consumption"] == 3 * 800 + 800  # the no-show is money the diner spent


def test_a_refund_in_a_later_month_comes_off_the_meals_month_for_both_visits_and_consumption(world):
    """Defect 6: one rule, the meal's date, for 人次 and 个人消费."""
    terminal, _ = world.terminal()
    _, card = world.diner(cash=5000)
    _, other = world.diner(cash=5000)
    eaten = meal(world, terminal, card, at(DAY, 12))
    meal(world, terminal, other, at(DAY, 12, 5))
    december = date(2026, 12, 2)
    meal(world, terminal, other, at(december, 12))
    refund_all(world, eaten, at(december, 10))
    november, dec = span(date(2026, 11, 1), DAY), span(date(2026, 12, 1), date(2026, 12, 31))
    for f, visits, spent in ((november, 1, 800), (dec, 1, 800)):
        got = _both(f)
        assert (got["visits"], got["consumption"]) == (visits, spent), f
    by_month = reports.consumption_summary(db.session, span(date(2026, 11, 1), date(2026, 12, 31)), by="month")
    assert {r["group"]: r["net"] for r in by_month.rows} == {"2026-11": 800, "2026-12": 800}
    assert {r["group"]: r["refunded"] for r in by_month.rows} == {"2026-11": 800, "2026-12": 0}


def test_the_year_end_document_takes_the_same_figures(world):
    from canteen.compound import yearbook

    terminal, _ = world.terminal()
    _, card = world.diner(cash=5000)
    meal(world, terminal, card, at(DAY, 12))
    summary = reports.work_summary(db.session, span(date(2026, 1, 1), DAY))
    book = yearbook.build(db.session, 2026, {f.key: f.value for f in summary["figures"]})
    canteen_text = next(p.text for p in book.paragraphs if p.heading.startswith("（六）"))
    assert "就餐人数达1人次" in canteen_text
    assert any(r.key == "definitions" for r in book.appendix)


def test_week_across_a_month_boundary(world):
    terminal, _ = world.terminal()
    _, card = world.diner(cash=50000)
    for offset in range(-3, 4):
        meal(world, terminal, card, at(DAY + timedelta(days=offset), 12))
    got = _both(span(DAY - timedelta(days=3), DAY + timedelta(days=3)))
    assert got["visits"] == 7 and got["average_per_meal"] == 1
    assert _both(span(DAY + timedelta(days=1), DAY + timedelta(days=3)))["visits"] == 3
    assert Sources  # the figures read each report once per call
