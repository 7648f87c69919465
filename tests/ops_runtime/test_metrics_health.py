"""/metrics in Prometheus format, the split health checks and request ids, in process on both databases."""
import uuid

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from canteen.extensions import db
from tests.canteen.lane_taps import diner_at_terminal, lane_tap, terminal_headers


def scrape(client, **kwargs) -> dict:
    """{(sample name, labels as a sorted tuple): value} from /metrics."""
    r = client.get("/metrics", **kwargs)
    assert r.status_code == 200, r.data
    assert r.content_type.startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.get_data(as_text=True)) for s in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_taps_refusals_latency_lane_fallbacks_backlog_print_queue_and_signin_failures(app, client, world):
    uid, code, key = diner_at_terminal(world)
    before = scrape(client)

    tapped = client.post("/api/v1/taps", json={"uid": uid}, headers=terminal_headers(code, key))
    assert tapped.status_code == 200, tapped.json
    refused = client.post("/api/v1/taps", json={"uid": "04FFFFFFFFFFFF"}, headers=terminal_headers(code, key))
    assert refused.status_code == 404 and refused.json["error"]["code"] == "unknown_card"
    beat = client.post("/api/v1/terminal/heartbeat", headers=terminal_headers(code, key),
                       json={"blacklist_version": 0, "outbox_pending": 3, "outbox_last_seq": 17, "print_pending": 2})
    assert beat.status_code == 200, beat.json
    assert client.post("/api/v1/auth/login", json={"username": "nobody", "password": "wrong"}).status_code == 401

    after = scrape(client)
    grew = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert grew("canteen_taps_total", status="200") == 1
    assert grew("canteen_taps_total", status="404") == 1
    assert grew("canteen_tap_seconds_count") == 2
    assert grew("canteen_refusals_total", code="unknown_card") == 1
    assert grew("canteen_refusals_total", code="bad_credentials") == 1
    assert grew("canteen_signin_failures_total", app="api", status="401") == 1
    assert value(after, "canteen_terminal_offline_backlog", terminal=code) == 3
    assert value(after, "canteen_terminal_print_queue", terminal=code) == 2
    assert value(after, "canteen_db_connections_capacity") >= 1
    assert ("canteen_db_connections_in_use", ()) in after


def test_lane_fallbacks_are_one_metric_that_healthz_also_shows(app, client, world):
    from canteen.api import lane

    uid, code, key = diner_at_terminal(world)
    before = value(scrape(client), "canteen_tap_lane_fallbacks_total", reason="refused")
    status, _ = lane_tap(app, terminal_headers(code, key), "04FFFFFFFFFFFF")
    assert status.startswith("404")
    assert value(scrape(client), "canteen_tap_lane_fallbacks_total", reason="refused") == before + 1
    assert lane.fallbacks()["refused"] == before + 1
    assert client.get("/healthz").json["tap_lane"]["fallbacks"]["refused"] == before + 1


def test_metrics_answer_this_machine_or_a_bearer_token_only(app, client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    scrape(client, headers={"Authorization": "Bearer s3cret"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})


def test_liveness_readiness_and_the_old_healthz(app, client):
    assert client.get("/healthz/live").json == {"status": "ok"}
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    assert ready.json["database"]["migrations"]["current"] is True
    assert ready.json["redis"] == {"ok": True, "mode": "in-process"}
    old = client.get("/healthz")
    assert old.status_code == 200 and old.json["status"] == "ok" and old.json["database"]["ok"] is True

    # a schema behind the code (migrations not run yet): not ready (kept out of rotation), yet alive
    db.session.execute(text("UPDATE alembic_version SET version_num = '5cd2b9648731'"))
    db.session.commit()
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503 and ready.json["status"] == "not ready"
    assert ready.json["database"]["migrations"]["state"] == "behind"
    assert ready.json["database"]["migrations"]["database"] == ["5cd2b9648731"]
    assert client.get("/healthz/live").status_code == 200

    # a schema a newer release migrated while this server still runs (rolling upgrade): still ready
    db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0001'"))
    db.session.commit()
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200 and ready.json["database"]["migrations"]["state"] == "ahead"


def test_readiness_fails_when_the_database_does_not_answer(tmp_path):
    from canteen import create_app

    app = create_app({"DATABASE_URL": "postgresql://root@127.0.0.1:1/none", "SECRET_KEY": "t", "TESTING": True})
    client = app.test_client()
    r = client.get("/healthz/ready")
    assert r.status_code == 503 and r.json["database"]["ok"] is False
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz/live").status_code == 200


def test_every_answer_carries_a_request_id_the_caller_may_give(client):
    mine = uuid.uuid4().hex
    assert client.get("/healthz/live", headers={"X-Request-Id": mine}).headers["X-Request-Id"] == mine
    made = client.get("/healthz/live").headers["X-Request-Id"]
    assert made and made != mine
    odd = client.get("/healthz/live", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert " " not in odd and odd != "bad id"


def test_behind_a_proxy_the_forwarded_client_counts_and_metrics_stay_local(app, client):
    """With PROXY_COUNT = 0 a forged X-Forwarded-For changes nothing; behind one proxy (PROXY_COUNT = 1, ProxyFix)
    the client the proxy names is the caller, so /metrics refuses a remote client reaching it through the proxy."""
    from canteen import create_app

    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    assert client.get("/metrics", headers=forwarded).status_code == 200
    behind = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "t", "TESTING": True,
                         "PROXY_COUNT": 1})
    proxied = behind.test_client()
    try:
        assert proxied.get("/metrics", headers=forwarded).status_code == 403
        assert proxied.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    finally:
        with behind.app_context():
            db.engine.dispose()


def test_event_streams_open_and_refused_are_counted(app, client):
    from canteen.stream_slots import StreamSlots

    def streams(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream")])
        return [b"event: hello\n\n"]

    slots = StreamSlots(streams, 1)
    before = scrape(client)
    first = slots({"PATH_INFO": "/events"}, lambda *a: None)
    second = slots({"PATH_INFO": "/events"}, lambda *a: None)
    during = scrape(client)
    first.close()
    after = scrape(client)
    assert b"service_unavailable" in second[0]
    assert value(during, "canteen_event_streams_open") == value(before, "canteen_event_streams_open") + 1
    assert value(after, "canteen_event_streams_open") == value(before, "canteen_event_streams_open")
    assert value(after, "canteen_event_streams_refused_total") == value(before, "canteen_event_streams_refused_total") + 1
