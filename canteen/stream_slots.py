"""Threads kept apart for long-lived event streams, so streams never starve requests.

Under gunicorn's gthread worker an open server-sent event stream (a terminal's ``/api/v1/terminal/events``, an open
dashboard's stream) holds one of the worker's threads for as long as it lasts. ``canteen serve`` therefore gives
each worker ``--threads`` threads for requests *plus* ``STREAM_THREADS`` for streams, and wraps the app in
:class:`StreamSlots`: a response of type ``text/event-stream`` takes one of ``STREAM_THREADS`` slots, and when none
is free it is answered ``503`` at once (terminals then fall back to polling and try again) instead of taking a
thread a tap needs. A process serves at most ``STREAM_THREADS`` streams, whichever worker they land on.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Callable, Iterable

from canteen import metrics

log = logging.getLogger(__name__)

_REFUSAL = json.dumps({"error": {"code": "service_unavailable",
                                 "message": "事件流连接已满，请稍后重试 (event streams full; retry later)"}},
                      ensure_ascii=False).encode()


def _is_stream(headers: list[tuple[str, str]]) -> bool:
    return any(name.lower() == "content-type" and value.startswith("text/event-stream") for name, value in headers)


class _Released:
    """The stream's body; gives its slot back when the server closes it (client gone, or stream ended)."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self._body, self._release, self._released = body, release, False

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        try:
            if hasattr(self._body, "close"):
                self._body.close()
        finally:
            if not self._released:
                self._released = True
                self._release()


class StreamSlots:
    """WSGI middleware: at most `slots` event-stream responses at once in this process; the rest get 503."""

    def __init__(self, app, slots: int) -> None:
        if slots < 0:
            raise ValueError("stream slots cannot be negative")
        self.app, self.slots = app, slots
        self._free = threading.BoundedSemaphore(slots) if slots else None
        self._lock = threading.Lock()
        self.open = 0

    def _take(self) -> bool:
        if self._free is None or not self._free.acquire(blocking=False):
            return False
        with self._lock:
            self.open += 1
        metrics.stream_opened()
        return True

    def _give(self) -> None:
        with self._lock:
            self.open -= 1
        metrics.stream_closed()
        self._free.release()

    def __call__(self, environ, start_response):
        taken = {"slot": False, "refused": False}

        def start(status, headers, exc_info=None):
            if _is_stream(headers):
                if self._take():
                    taken["slot"] = True
                else:
                    taken["refused"] = True
                    metrics.stream_refused()
                    log.warning("event stream %s refused: all %d stream threads busy", environ.get("PATH_INFO"),
                                self.slots)
                    return start_response("503 SERVICE UNAVAILABLE", [
                        ("Content-Type", "application/json; charset=utf-8"), ("Retry-After", "5"),
                        ("Content-Length", str(len(_REFUSAL)))], exc_info)
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        if taken["refused"]:
            if hasattr(body, "close"):
                body.close()
            return [_REFUSAL]
        if taken["slot"]:
            return _Released(body, self._give)
        return body
