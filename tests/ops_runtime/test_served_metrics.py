"""``canteen serve`` with two gunicorn workers: /metrics adds up both workers' figures; JSON-lines logs carry
the request id on every line of a request."""
import json
import uuid

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.offline.faults import ServerProcess


def test_two_workers_one_sum_and_json_log_lines_with_request_ids(seeded, tmp_path):
    url, uids, terminals = seeded
    server = ServerProcess(url, tmp_path, workers=2)
    server.env.update(CANTEEN_LOG_FORMAT="json", CANTEEN_ACCESS_LOG="1")
    server.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server.start()
    try:
        creds = terminals[0]
        ids = []
        with requests.Session() as http:
            for n in range(24):
                ids.append(uuid.uuid4().hex)
                # a new connection each time, so both workers serve some
                r = requests.post(server.url + "/api/v1/taps", json={"uid": uids[n]}, timeout=10,
                                  headers={"X-Terminal-Id": creds.code, "X-Terminal-Key": creds.key,
                                           "Idempotency-Key": f"m-{n}", "X-Request-Id": ids[-1]})
                assert r.status_code == 200, r.text
                assert r.headers["X-Request-Id"] == ids[-1]
            for _ in range(4):  # whichever worker answers, the figures are the sum of both
                page = http.get(server.url + "/metrics", timeout=10)
                assert page.status_code == 200
                samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                           for f in text_string_to_metric_families(page.text) for s in f.samples}
                assert samples[("canteen_taps_total", (("status", "200"),))] == 24
                assert samples[("canteen_tap_seconds_count", ())] == 24
                assert samples[("canteen_terminal_offline_backlog", (("terminal", creds.code),))] == 0
    finally:
        server.stop()
    lines = [line for line in (tmp_path / "server.log").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)
    access = {r["request_id"] for r in records if r["logger"] == "gunicorn.access"}
    assert set(ids) <= access
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
