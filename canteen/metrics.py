"""Prometheus metrics (``prometheus-client``): the one place each figure is counted, and ``/metrics``.

Counted as they happen, in the process that serves them: taps answered (by HTTP status) and their latency, API
refusals by error code, tap-lane fallbacks by reason, sign-in failures, database connections in use. Read from
the database when scraped, so every server reports the same: each terminal's offline backlog (its outbox count
from its last heartbeat). Reported by terminals in their heartbeat and kept as the last value heard: print queue
depth.

Under ``canteen serve`` with several gunicorn workers the figures of every worker are added up through
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multi-process mode): ``canteen serve`` makes that folder
when it is not set (see :func:`use_multiprocess`). Each server process reports its own workers; Prometheus
scrapes every server (not the proxy's shared address) and adds them up.

``/metrics`` answers callers on the machine itself (127.0.0.1, ::1) when ``METRICS_TOKEN`` is empty, and anyone
with ``Authorization: Bearer <METRICS_TOKEN>`` when it is set.
"""
from __future__ import annotations

import hmac
import os
import shutil
import time
from pathlib import Path

import prometheus_client.values
from flask import Blueprint, Response, current_app, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, select

from canteen.extensions import db
from canteen.models import Terminal

bp = Blueprint("metrics", __name__)

TAP_PATH = "/api/v1/taps"
#: Endpoints that sign a person in: a 401, 403 or 429 answer from them is a sign-in failure (tills sign in
#: through the API).
SIGNIN_ENDPOINTS = {"admin.login": "admin", "diner.login": "diner", "auth.login": "api"}
#: Latency buckets of a tap, in seconds: a tap should answer well inside 50 ms.
TAP_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1.0, 2.5)


class _Metrics:
    """The process's metric objects (rebuilt once when multi-process mode is switched on before serving)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.taps = Counter("canteen_taps", "Card taps answered, by HTTP status", ["status"], registry=r)
        self.tap_seconds = Histogram("canteen_tap_seconds", "Time to answer a card tap", buckets=TAP_BUCKETS,
                                     registry=r)
        self.refusals = Counter("canteen_refusals", "API answers with an error code (4xx/5xx), by code",
                                ["code"], registry=r)
        self.lane_fallbacks = Counter("canteen_tap_lane_fallbacks",
                                      "Taps the fast lane handed to the Flask route, by reason", ["reason"],
                                      registry=r)
        self.signin_failures = Counter("canteen_signin_failures", "Refused sign-ins (wrong password, locked, "
                                       "rate limited), by application and answer", ["app", "status"], registry=r)
        self.db_in_use = Gauge("canteen_db_connections_in_use", "Database connections checked out of the pools",
                               multiprocess_mode="livesum", registry=r)
        self.db_capacity = Gauge("canteen_db_connections_capacity",
                                 "Connections the pools may open (pool size + overflow)",
                                 multiprocess_mode="livesum", registry=r)
        self.streams_open = Gauge("canteen_event_streams_open", "Event streams open (terminals, dashboards)",
                                  multiprocess_mode="livesum", registry=r)
        self.streams_refused = Counter("canteen_event_streams_refused", "Event streams answered 503: every stream "
                                       "thread busy (raise STREAM_THREADS)", registry=r)
        self._tap_children: dict = {}
        self.print_queue = Gauge("canteen_terminal_print_queue", "Receipts waiting at a terminal's printer, as "
                                 "last reported in its heartbeat", ["terminal"], multiprocess_mode="mostrecent",
                                 registry=r)

    def tap_answered(self, status: str, seconds: float) -> None:
        """One tap answered (the status's counter child kept: a tap should not pay for the label lookup)."""
        child = self._tap_children.get(status)
        if child is None:
            child = self._tap_children[status] = self.taps.labels(status)
        child.inc()
        self.tap_seconds.observe(seconds)


M = _Metrics()


def multiprocess_dir() -> str | None:
    """The folder the worker processes share their figures in, or None (one process)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def use_multiprocess(path: str | Path) -> None:
    """Before forking workers: count into files under `path` (emptied first), so ``/metrics`` adds up every
    worker. prometheus-client picks its value class from the environment when a metric is made, so the
    metrics are made again after setting it."""
    global M
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    prometheus_client.values.ValueClass = prometheus_client.values.get_value_class()
    M = _Metrics()


def worker_exited(pid: int) -> None:
    """A gunicorn worker ended: its live gauges no longer count."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)


# ----------------------------------------------------------------------------------------- counting

def lane_fallback(reason: str) -> None:
    M.lane_fallbacks.labels(reason).inc()


def lane_fallbacks() -> dict[str, int]:
    """This process's lane fallbacks by reason (the figure /healthz shows; /metrics adds up all workers)."""
    return {s.labels["reason"]: int(s.value) for family in M.lane_fallbacks.collect()
            for s in family.samples if s.name.endswith("_total")}


def terminal_reported(code: str, print_pending: int | None) -> None:
    """A terminal's heartbeat: keep what it says of its printer queue."""
    if print_pending is not None:
        M.print_queue.labels(code).set(print_pending)


def stream_opened() -> None:
    M.streams_open.inc()


def stream_closed() -> None:
    M.streams_open.dec()


def stream_refused() -> None:
    M.streams_refused.inc()


class TapTimer:
    """WSGI middleware: every ``POST /api/v1/taps`` (fast lane or Flask route) counted by status and timed."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != TAP_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        began = time.perf_counter()

        def start(status, headers, exc_info=None):
            M.tap_answered(status[:3], time.perf_counter() - began)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def _count_refusals(response):
    """After each request: an API error's code, a sign-in endpoint's refusal."""
    if response.status_code >= 400:
        if request.path.startswith("/api/") and response.is_json:
            error = (response.get_json(silent=True) or {}).get("error")
            if isinstance(error, dict) and isinstance(error.get("code"), str):
                M.refusals.labels(error["code"][:40]).inc()
        app_name = SIGNIN_ENDPOINTS.get(request.endpoint or "")
        if app_name and request.method == "POST" and response.status_code in (401, 403, 429):
            M.signin_failures.labels(app_name, str(response.status_code)).inc()
    return response


def _watch_pool(engine) -> None:
    """Count the engine's checked-out connections (events on its pool) and its capacity."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        M.db_capacity.inc(size() + max(getattr(engine.pool, "_max_overflow", 0), 0))
    event.listen(engine, "checkout", lambda *_: M.db_in_use.inc())
    event.listen(engine, "checkin", lambda *_: M.db_in_use.dec())


# ----------------------------------------------------------------------------------------- exposing

class _Backlog:
    """Each terminal's offline backlog (outbox count from its last heartbeat), read from the database."""

    def __init__(self, rows) -> None:
        self.rows = rows

    def collect(self):
        family = GaugeMetricFamily("canteen_terminal_offline_backlog", "Offline charges a terminal holds that "
                                   "the server has not booked yet, from its last heartbeat", labels=["terminal"])
        for code, pending in self.rows:
            family.add_metric([code], pending or 0)
        yield family


def allowed() -> bool:
    """Token when one is set; otherwise only callers on this machine."""
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.remote_addr in ("127.0.0.1", "::1")


@bp.get("/metrics")
def metrics():
    """The Prometheus text exposition."""
    if not allowed():
        return Response("forbidden: /metrics answers 127.0.0.1 or a bearer METRICS_TOKEN\n", 403,
                        mimetype="text/plain")
    rows = db.session.execute(select(Terminal.code, Terminal.outbox_pending).where(Terminal.active)).all()
    db.session.rollback()
    from_db = CollectorRegistry()
    from_db.register(_Backlog(rows))
    if multiprocess_dir():
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = M.registry
    return Response(generate_latest(counted) + generate_latest(from_db), mimetype=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    """``/metrics``, the tap timer around the app, refusal counting and the pool watch."""
    app.register_blueprint(bp)
    app.after_request(_count_refusals)
    app.wsgi_app = TapTimer(app.wsgi_app)
    with app.app_context():
        _watch_pool(db.engine)
