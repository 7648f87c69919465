"""Event streams hold a thread each: many open streams must never starve a tap, at the server or the terminal."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.offline.faults import free_port, wait_until
from tests.pos.sse_client import EventStream
from tests.pos.terminal import held


@contextlib.contextmanager
def canteen_serve(database_url: str, folder: Path, *args: str):
    """``canteen serve`` as a process of its own (gunicorn, gthread), stopped after the block."""
    port = free_port()
    env = dict(os.environ, CANTEEN_DATABASE_URL=database_url, CANTEEN_SECRET_KEY="stream-test",
               CANTEEN_DOUBLE_TAP_SECONDS="0", CANTEEN_REDIS_URL="", CANTEEN_DISABLED_APPS="admin",
               CANTEEN_INSTANCE_DIR=str(folder))
    with open(folder / "server.log", "ab") as log:
        process = subprocess.Popen([str(Path(sys.executable).parent / "canteen"), "serve", "--port", str(port),
                                    "--workers", "1", *args], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(url + "/healthz", timeout=0.5).status_code == 200, 30, "canteen serve")
        yield url
    finally:
        process.terminate()
        process.wait(15)


def open_stream(url: str, headers: dict) -> requests.Response:
    return requests.get(url + "/api/v1/terminal/events", headers=headers, stream=True, timeout=(5, 30))


def test_streams_beyond_the_stream_threads_are_refused_and_a_tap_still_goes_through(canteen, database_url,
                                                                                     tmp_path):
    world, code, key = canteen
    _, uid = held(world, *world.diner(cash=5000))
    headers = {"X-Terminal-Id": code, "X-Terminal-Key": key}
    with canteen_serve(database_url, tmp_path, "--threads", "2", "--stream-threads", "3") as url:
        streams = [open_stream(url, headers) for _ in range(5)]
        try:
            assert [s.status_code for s in streams] == [200, 200, 200, 503, 503]
            assert streams[3].json()["error"]["code"] == "service_unavailable"
            tap = requests.post(url + "/api/v1/taps", json={"uid": uid}, timeout=10,
                                headers=dict(headers, **{"Idempotency-Key": f"{code}-1"}))
            assert tap.status_code == 200, tap.text
            assert tap.json()["cash_left"] == 4000
            streams[0].close()  # a terminal goes away: its slot comes back once the server notices
            wait_until(lambda: open_stream(url, headers).status_code == 200, 20, "a freed stream slot")
        finally:
            for stream in streams:
                stream.close()


def test_pages_holding_the_terminal_event_stream_do_not_starve_the_till(canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    terminal = start_terminal()
    pages = [EventStream(terminal.url + "/events").__enter__() for _ in range(12)]
    try:
        assert requests.get(terminal.url + "/status", timeout=10).status_code == 200
        terminal.reader().tap(uid)
        for page in pages:
            tap, _ = page.wait_for("tap", timeout=15)
            assert (tap["state"], tap["name"]) == ("ok", name)
    finally:
        for page in pages:
            page.__exit__(None, None, None)
