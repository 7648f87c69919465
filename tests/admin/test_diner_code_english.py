"""The back office's diner-code and booking pages (``admin/booking_views.py``) refuse in English too, and are served
only beside the self-service pages."""
import re
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from canteen import create_app
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import MealPeriod
from canteen.services.diner_accounts import MAX_CODE_HOURS
from tests.admin.conftest import csrf_of

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "admin" / "booking_views.py"
CATALOG = ROOT / "admin" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
#: Literal Chinese texts these pages show the operator: the detail of a refusal, a flash.
SHOWN = re.compile(r'(?:flash\(|DomainError\("invalid_input", |if on else )"([^"{}]*[\u4e00-\u9fff][^"{}]*)"')
HAN = re.compile(r"[\u4e00-\u9fff]")


def _error_of(page: str) -> str:
    match = re.search(r'<p class="flash error">(.*?)</p>', page, re.S)
    assert match, page[:500]
    return match.group(1)


def _english(client):
    client.get("/admin/lang/en")
    return client


def test_every_text_the_pages_show_has_an_english_translation():
    with CATALOG.open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string}
    shown = set(SHOWN.findall(VIEWS.read_text(encoding="utf-8")))
    assert len(shown) >= 5
    assert sorted(shown - translated) == []


def test_an_unknown_staff_number_is_refused_in_english(world, signed_in):
    client = _english(signed_in("cashier"))
    response = client.post("/admin/diner-code", data={"staff_no": "nobody", "csrf_token": csrf_of(client)})
    assert response.status_code == 400
    error = _error_of(response.get_data(as_text=True))
    assert error == f"{DomainError('person_not_found').message('en')} (nobody)"
    assert not HAN.search(error)


def test_a_misconfigured_code_lifetime_is_refused_in_english(app, world, signed_in):
    person = world.person()
    client = _english(signed_in("admin"))
    app.config["DINER_CODE_HOURS"] = MAX_CODE_HOURS + 1
    response = client.post("/admin/diner-code", data={"staff_no": person.staff_no, "csrf_token": csrf_of(client)})
    assert response.status_code == 400
    error = _error_of(response.get_data(as_text=True))
    assert f"1 to {MAX_CODE_HOURS} hours" in error and not HAN.search(error)
    assert 'id="setup-code"' not in response.get_data(as_text=True)


def test_a_bad_booking_rule_is_refused_in_english(world, signed_in):
    client = _english(signed_in("manager"))
    period_id = db.session.scalar(select(MealPeriod.id).where(MealPeriod.code == "lunch"))
    token = csrf_of(client)
    for form in ({"cutoff_days_before": "9", "cutoff_time": "16:30"},
                 {"cutoff_days_before": "x", "cutoff_time": "16:30"},
                 {"cutoff_days_before": "1", "cutoff_time": "late"}):
        response = client.post(f"/admin/bookings/rules/{period_id}", data={**form, "csrf_token": token})
        assert response.status_code == 400, form
        error = _error_of(response.get_data(as_text=True))
        assert error.startswith(DomainError("invalid_input").message("en")) and not HAN.search(error), error


def test_chinese_stays_the_default_on_the_diner_code_page(world, signed_in):
    client = signed_in("cashier")
    response = client.post("/admin/diner-code", data={"staff_no": "nobody", "csrf_token": csrf_of(client)})
    assert _error_of(response.get_data(as_text=True)) == "人员不存在（nobody）"


def test_the_pages_are_served_and_linked_beside_the_self_service_pages(signed_in):
    page = signed_in("manager").get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/admin/bookings"' in page and 'href="/admin/diner-code"' in page


def test_without_the_self_service_pages_the_back_office_leaves_them_out(database_url):
    bare = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True, "REDIS_URL": "",
                       "DISABLED_APPS": "diner"})
    try:
        endpoints = {rule.endpoint for rule in bare.url_map.iter_rules()}
        assert "admin.login" in endpoints
        assert not {e for e in endpoints if e.startswith(("diner.", "diner_admin."))}
        assert "diner_admin_enabled" not in bare.jinja_env.globals
    finally:
        with bare.app_context():
            db.engine.dispose()
