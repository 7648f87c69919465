"""Back-office pages a manager opens, timed on a big database through the app (Flask's test client: the
whole request — routing, sign-in check, queries, template — without the HTTP server's own parsing).

Used by ``python -m bench.reports`` (``--no-pages`` skips it): home, dashboard, people list and search, a
person's page and statement, the card report, the audit log, the kitchen, and every report with its default
filters (no parameters: what the menu opens) and its widest (the last year, in every grouping; detail listings
also their second page, and a month sorted by amount), and the headcount of a year for one terminal and for two departments.
"""
import re
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from admin.report_views import REPORTS
from canteen import create_app
from canteen.extensions import db
from canteen.models import Operator, Person

USERNAME, PASSWORD = "bench-admin", "bench-password-1"


def _app(url: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": ""})


def _ensure_operator(app) -> None:
    with app.app_context():
        if db.session.scalar(select(Operator.id).where(Operator.username == USERNAME)) is None:
            db.session.add(Operator(username=USERNAME, name="基准测试", role="admin",
                                    password_hash=generate_password_hash(PASSWORD)))
            db.session.commit()


def pages(last: date, person_id: int, staff_no: str) -> dict[str, str]:
    """Name -> path of every page a manager opens."""
    year = {"start": (last - timedelta(days=364)).isoformat(), "end": last.isoformat()}
    q = "&".join(f"{k}={v}" for k, v in year.items())
    month = f"start={(last - timedelta(days=29)).isoformat()}&end={last.isoformat()}"
    found = {
        "home": "/admin/", "dashboard": "/admin/dashboard", "people": "/admin/people",
        "people_search": "/admin/people?q=人员12", "people_department": "/admin/people?department=3&page=2",
        "person": f"/admin/people/{person_id}", "audit_log": "/admin/audit", "kitchen": "/admin/kitchen",
        "summary_year": f"/admin/summary?{q}", "report_list": "/admin/reports/",
        "statement_default": "/admin/reports/statement",
        "statement_year": f"/admin/reports/statement?person={staff_no}&{q}",
    }
    for key, spec in REPORTS.items():
        if key == "statement":
            continue
        found[f"report_{key}_default"] = f"/admin/reports/{key}"
        groups = list(spec.groups) or [None]
        for by in groups:
            suffix = f"&by={by}" if by else ""
            found[f"report_{key}_year" + (f"_{by}" if by else "")] = f"/admin/reports/{key}?{q}{suffix}"
        if spec.detail:
            found[f"report_{key}_year_page_2"] = f"/admin/reports/{key}?{q}&page=2"
            found[f"report_{key}_month_by_amount_page_2"] = f"/admin/reports/{key}?{month}&sort=amount&desc=1&page=2"
    found["report_headcount_year_terminal"] = f"/admin/reports/headcount?{q}&terminal=3"
    found["report_headcount_year_departments"] = f"/admin/reports/headcount?{q}&department=3&department=4"
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def time_pages(url: str, last: date, *, runs: int = 7, warmup: int = 1, log=print) -> dict[str, dict]:
    """p50/p95 (ms) of every page; a page that does not answer 200 is reported with its status instead."""
    app = _app(url)
    _ensure_operator(app)
    with app.app_context():
        person_id, staff_no = db.session.execute(select(Person.id, Person.staff_no).order_by(Person.id)).first()
        db.session.remove()
    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login)
    answer = client.post("/admin/login", data={"username": USERNAME, "password": PASSWORD,
                                               "csrf_token": token.group(1) if token else ""})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"bench sign-in failed: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
    timings = {}
    for label, path in pages(last, person_id, staff_no).items():
        status = None
        for _ in range(warmup):
            status = client.get(path).status_code
        if status != 200:
            timings[label] = {"status": status}
            log(f"  {label:48s} answered {status}: not timed")
            continue
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings[label] = {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}
        log(f"  {label:48s} p50 {timings[label]['p50']:9.1f} ms   p95 {timings[label]['p95']:9.1f} ms")
    with app.app_context():
        db.engine.dispose()
    return timings


__all__ = ["pages", "time_pages"]
