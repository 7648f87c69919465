"""Every back-office route, for every role and for no sign-in, with and without a CSRF token."""
import pytest

from admin.report_views import REPORTS
from tests.admin.conftest import csrf_of

ALL = ("admin", "manager", "auditor", "cashier")
READERS = ("admin", "manager", "auditor")
PERIOD = "?start=2026-11-01&end=2026-11-30"

#: (method, path, roles allowed, form) for every route; None roles: open to anyone.
ROUTES = [
    ("GET", "/admin/", ALL, None),
    ("GET", "/admin/reports/", READERS, None),
    *[("GET", f"/admin/reports/{key}{PERIOD}" + ("&person=NOBODY" if spec.needs_person else ""), READERS, None)
      for key, spec in REPORTS.items()],
    *[("GET", f"/admin/reports/{key}/export.xlsx{PERIOD}", READERS, None)
      for key, spec in REPORTS.items() if not spec.needs_person],
    ("GET", f"/admin/summary{PERIOD}", READERS, None),
    ("GET", f"/admin/summary.txt{PERIOD}", READERS, None),
    ("GET", f"/admin/summary.xlsx{PERIOD}", READERS, None),
    ("GET", "/admin/definitions", READERS, None),
    ("GET", "/admin/audit", ("admin", "auditor"), None),
    ("GET", "/admin/password", ALL, None),
    ("POST", "/admin/password", ALL, {"old": "x", "new": "y"}),
    ("POST", "/admin/logout", ALL, {}),
    ("GET", "/admin/people?q=x", READERS, None),
    ("GET", "/admin/people/export.xlsx", READERS, None),
    ("GET", "/admin/people/new", ("admin", "manager"), None),
    ("POST", "/admin/people/new", ("admin", "manager"), {"staff_no": "", "name": ""}),
    ("GET", "/admin/people/import", ("admin", "manager"), None),
    ("POST", "/admin/people/import", ("admin", "manager"), {}),
    ("GET", "/admin/people/999", READERS, None),
    ("POST", "/admin/people/999", ("admin", "manager"), {"name": "x"}),
    ("POST", "/admin/people/999/cancel", ("admin", "manager"), {}),
    ("POST", "/admin/cards/999/loss", ("admin", "manager"), {}),
    ("POST", "/admin/cards/999/unfreeze", ("admin", "manager"), {}),
    ("POST", "/admin/cards/999/reissue", ("admin", "manager"), {"new_uid": "A1B2C3D4"}),
    ("GET", "/admin/subsidies", READERS, None),
    ("POST", "/admin/subsidies/preview", ("admin", "manager"), {"title": ""}),
    ("POST", "/admin/subsidies/issue", ("admin", "manager"), {"title": ""}),
    ("POST", "/admin/subsidies/999/expire", ("admin", "manager"), {}),
    ("GET", "/admin/operators", ("admin",), None),
    ("POST", "/admin/operators/new", ("admin",), {"username": ""}),
    ("POST", "/admin/operators/999", ("admin",), {"role": "admin"}),
    ("GET", "/admin/departments", READERS, None),
    ("POST", "/admin/departments", ("admin", "manager"), {"code": ""}),
    ("GET", "/admin/dashboard", READERS, None),
    ("GET", "/admin/dashboard/live.json", READERS, None),
    ("GET", "/admin/dashboard/stream", READERS, None),
    ("GET", "/admin/categories", READERS, None),
    ("POST", "/admin/categories", ("admin", "manager"), {"code": ""}),
    ("GET", "/admin/meals", READERS, None),
    ("POST", "/admin/meals", ("admin", "manager"), {"code": ""}),
    ("GET", "/admin/terminals", READERS, None),
    ("POST", "/admin/terminals", ("admin",), {"code": ""}),
    ("GET", "/admin/login", None, None),
    ("GET", "/admin/lang/en", None, None),
    ("GET", "/admin/static/admin/charts.js", None, None),
]
#: Endpoints the table above covers; a new route must be added to the table.
COVERED = {"admin.index", "admin.report_list", "admin.report", "admin.report_export", "admin.summary",
           "admin.summary_text", "admin.summary_export", "admin.audit_log", "admin.change_password", "admin.logout",
           "admin.login", "admin.choose_language", "admin.static",
           "admin.people", "admin.people_export", "admin.person_new", "admin.people_import", "admin.person",
           "admin.person_edit", "admin.person_cancel", "admin.card_loss", "admin.card_unfreeze", "admin.card_reissue",
           "admin.subsidies", "admin.subsidy_preview", "admin.subsidy_issue", "admin.subsidy_expire",
           "admin.operators", "admin.operator_new", "admin.operator_edit", "admin.departments", "admin.department_save",
           "admin.dashboard", "admin.dashboard_live", "admin.dashboard_stream",
           "admin.categories", "admin.category_save", "admin.meals", "admin.meal_save", "admin.terminals",
           "admin.terminal_save"}

# Guest meals, the kitchen page and the calendar (admin/guest_views.py, admin/kitchen_views.py).
ROUTES += [
    ("GET", "/admin/guest-meals", READERS, None),
    ("POST", "/admin/guest-meals", ("admin", "manager"), {"department": ""}),
    ("POST", "/admin/guest-meals/999/approve", ("admin", "manager"), {}),
    ("GET", "/admin/guest-meals/999/tickets", ("admin", "manager"), None),
    ("GET", "/admin/kitchen", READERS, None),
    ("GET", "/admin/calendar", READERS, None),
    ("POST", "/admin/calendar", ("admin", "manager"), {"day": ""}),
    ("POST", "/admin/calendar/999/delete", ("admin", "manager"), {}),
]
COVERED |= {"admin.guest_meals", "admin.guest_meal_request", "admin.guest_meal_decide", "admin.guest_meal_tickets",
            "admin.kitchen", "admin.calendar_days", "admin.calendar_day_set", "admin.calendar_day_delete"}

# Cashier shifts (admin/shift_views.py): cashiers open and close their own.
ROUTES += [
    ("GET", "/admin/shifts", ALL, None),
    ("GET", "/admin/shifts/999", ALL, None),
    ("POST", "/admin/shifts/open", ("admin", "manager", "cashier"), {"opening_float": "x"}),
    ("POST", "/admin/shifts/close", ("admin", "manager", "cashier"), {"counted_cash": "x"}),
]
COVERED |= {"admin.shifts", "admin.shift", "admin.shift_open", "admin.shift_close"}
COVERED |= {"admin.definitions"}

# Roster import in the background (admin/import_views.py).
ROUTES += [
    ("POST", "/admin/people/import/jobs", ("admin", "manager"), {}),
    ("GET", "/admin/people/import/jobs/999", ("admin", "manager"), None),
]
COVERED |= {"admin.people_import_start", "admin.people_import_status"}

# Meal booking and self-service codes beside the back office (admin/booking_views.py).
ROUTES += [
    ("GET", "/admin/bookings", READERS, None),
    ("POST", "/admin/bookings/rules/999", ("admin", "manager"), {}),
    ("POST", "/admin/bookings/secretaries", ("admin", "manager"), {}),
    ("GET", "/admin/diner-code", ("admin", "manager", "cashier"), None),
    ("POST", "/admin/diner-code", ("admin", "manager", "cashier"), {"staff_no": ""}),
]
COVERED |= {"diner_admin.bookings", "diner_admin.booking_rule", "diner_admin.secretary", "diner_admin.diner_code"}


def test_the_matrix_covers_every_admin_route(app):
    # The compound modules' routes have their own matrix (tests/admin/compound/test_compound_roles.py).
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/admin") and not rule.rule.startswith("/admin/compound")}
    assert endpoints == COVERED


def _call(client, method, path, form, with_token):
    if method == "GET":
        return client.get(path)
    data = dict(form)
    if with_token:
        data["csrf_token"] = csrf_of(client, "/admin/login")
    return client.post(path, data=data)


@pytest.mark.parametrize("role", [*ALL, None])
def test_only_allowed_roles_reach_each_route(app, signed_in, role):
    for method, path, allowed, form in ROUTES:
        for with_token in ((True, False) if method == "POST" else (True,)):
            client = signed_in(role) if role else app.test_client()
            response = _call(client, method, path, form, with_token)
            body = response.get_data().decode("utf-8", "replace")
            response.close()
            code = response.status_code
            where = (method, path, role, with_token, code)
            if allowed is None:
                assert code in (200, 302), where
            elif method == "POST" and not with_token:
                # Checked before anything else: without the token nothing happens, whoever asks.
                assert code == 400 and "CSRF" in body, where
            elif role is None:
                assert code == 302 and "/admin/login" in response.headers["Location"], where
            elif role not in allowed:
                assert code == 403, where
            else:
                assert code in (200, 302, 400, 404) and code != 403, where
                if "person=NOBODY" in path:
                    assert code == 400, where
                elif "/999" in path:
                    assert code == 404, where
                elif method == "GET":
                    assert code == 200, where
# Offline sequence gaps resolved from the terminals page (admin/offline_views.py).
ROUTES += [("POST", "/admin/terminals/gaps/999/resolve", ("admin", "manager"), {"reason": "lost"})]
COVERED |= {"admin.offline_gap_resolve"}
