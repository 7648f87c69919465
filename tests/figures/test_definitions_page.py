"""The definitions page (统计口径) in the back office, and the work summary's links to it."""
from canteen.figures import all_definitions


def test_the_definitions_page_lists_every_figure_with_what_it_counts_and_its_date(signed_in):
    client = signed_in("auditor")
    page = client.get("/admin/definitions").get_data(as_text=True)
    for d in all_definitions():
        assert f'id="def-{d.key}"' in page and d.counts in page and d.leaves_out in page and d.dated in page
    assert "报餐未就餐的扣费（扣了钱但没人吃）" in page  # the kitchen's actual headcount
    assert 'href="/admin/reports/headcount"' in page and 'href="/admin/compound/offices/reports/summary"' in page


def test_every_figure_of_the_work_summary_links_to_its_definition_and_its_report(signed_in):
    client = signed_in("auditor")
    page = client.get("/admin/summary", query_string={"start": "2026-11-01", "end": "2026-11-30"}).get_data(
        as_text=True)
    for key in ("visits", "visits_all", "top_up", "consumption", "cancelled", "cancelled_cash", "cards_issued",
                "average_per_meal", "average_per_meal_all", "busiest_lunch", "busiest_lunch_all"):
        assert f'href="/admin/definitions#def-{key}"' in page
    assert "/admin/reports/headcount?start=2026-11-01" in page
    client.get("/admin/lang/en")
    english = client.get("/admin/definitions").get_data(as_text=True)
    assert "Leaves out" in english and "Dated by" in english
