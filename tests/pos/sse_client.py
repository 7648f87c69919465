"""A small server-sent-events reader for tests and benchmarks: what the terminal page's EventSource sees."""
from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
import time
from urllib.parse import urlsplit


class EventStream:
    """Reads ``/events`` in a thread; each event lands in a queue with the monotonic time it arrived."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: queue.Queue[tuple[str, dict, float]] = queue.Queue()
        self.seen: list[tuple[str, dict, float]] = []
        self._connection: http.client.HTTPConnection | None = None
        self._socket: socket.socket | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._read, name="sse-test-client", daemon=True)

    def __enter__(self) -> "EventStream":
        self._thread.start()
        if not self._opened.wait(10):
            raise RuntimeError(f"event stream {self.url} did not open")
        return self

    def __exit__(self, *exc_info) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)  # unblocks the reading thread at once
            except OSError:
                pass
        self._thread.join(5)

    def _read(self) -> None:
        parts = urlsplit(self.url)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=None)
        self._connection.request("GET", parts.path, headers={"Accept": "text/event-stream"})
        self._socket = self._connection.sock  # getresponse() forgets it when the server will close the stream
        response = self._connection.getresponse()
        self._opened.set()
        name, data = "message", []
        try:
            while True:
                line = response.readline()
                if not line:
                    return
                raw = line.decode("utf-8").rstrip("\r\n")
                if raw == "":
                    if data:
                        self.events.put((name, json.loads("\n".join(data)), time.monotonic()))
                    name, data = "message", []
                elif raw.startswith("event:"):
                    name = raw[6:].strip()
                elif raw.startswith("data:"):
                    data.append(raw[5:].strip())
        except (OSError, ValueError, http.client.HTTPException):
            return  # the stream was closed
        finally:
            try:
                response.close()
            except (OSError, http.client.HTTPException):
                pass
            self._connection.close()

    def wait_for(self, name: str, predicate=lambda data: True, timeout: float = 10.0) -> tuple[dict, float]:
        """The next event called `name` that satisfies `predicate`, and when it arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {name!r} event within {timeout} s; saw {[e[:2] for e in self.seen]}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(event)
            if event[0] == name and predicate(event[1]):
                return event[1], event[2]
