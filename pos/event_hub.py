"""Fan-out of terminal events to every open page, as server-sent events.

The reader supervisor, the health monitor and the till workflows `publish()` events; each page connected to
``/events`` holds a subscription (its own queue) and receives every event published after it subscribed, plus the
latest health snapshot at once, so a page opened late still shows the reader, printer and server state.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any, Callable, Iterator

#: Seconds between comment lines that keep an idle stream (and the proxies in between) open.
KEEPALIVE_SECONDS = 15.0
#: Events kept for a page that reads slowly before it is considered gone.
MAX_BACKLOG = 200


class Subscription:
    """One page's stream of events."""

    def __init__(self, hub: "EventHub") -> None:
        self._hub = hub
        self.queue: queue.Queue[tuple[str, dict]] = queue.Queue(MAX_BACKLOG)

    def get(self, timeout: float) -> tuple[str, dict] | None:
        """The next event, or None after `timeout` seconds."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """Stop receiving events."""
        self._hub.unsubscribe(self)


class EventHub:
    """Thread-safe publish/subscribe of named JSON events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscription] = []
        self._sticky: dict[str, dict] = {}

    def subscribe(self) -> Subscription:
        """A new subscription, primed with the latest sticky events (health)."""
        subscription = Subscription(self)
        with self._lock:
            for name, data in self._sticky.items():
                subscription.queue.put_nowait((name, data))
            self._subscribers.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription."""
        with self._lock:
            if subscription in self._subscribers:
                self._subscribers.remove(subscription)

    def publish(self, name: str, data: dict, *, sticky: bool = False) -> None:
        """Send `name` with `data` to every subscriber; a sticky event is also replayed to later ones."""
        with self._lock:
            if sticky:
                self._sticky[name] = data
            subscribers = list(self._subscribers)
        for subscription in subscribers:
            try:
                subscription.queue.put_nowait((name, data))
            except queue.Full:  # a page that stopped reading: drop it rather than grow without bound
                self.unsubscribe(subscription)

    def latest(self, name: str) -> dict | None:
        """The last sticky event of that name."""
        with self._lock:
            return self._sticky.get(name)

    @property
    def subscribers(self) -> int:
        """How many pages listen now."""
        with self._lock:
            return len(self._subscribers)


def sse_format(name: str, data: Any) -> str:
    """One server-sent event."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream(subscription: Subscription, keepalive: float = KEEPALIVE_SECONDS,
           transform: Callable[[str, dict], dict] | None = None) -> Iterator[str]:
    """The text/event-stream body for one page; ends (and unsubscribes) when the page goes away. `transform`
    rewrites each event for this page (its language) without touching what other pages get."""
    try:
        yield "retry: 1000\n\n"
        last = time.monotonic()
        while True:
            item = subscription.get(timeout=1.0)
            if item is not None:
                name, data = item
                yield sse_format(name, transform(name, data) if transform else data)
                last = time.monotonic()
            elif time.monotonic() - last >= keepalive:
                yield ": keepalive\n\n"
                last = time.monotonic()
    finally:
        subscription.close()
