"""Pushing blacklist changes to the terminals' event streams, once the transaction that made them commits.

Through Redis pub/sub when a Redis URL is configured (every server process hears it), else to the subscribers in
this process. Terminals listen on the event stream and poll the blacklist version as a fallback, so Redis being
down delays nothing by more than a poll.
"""
import json
import logging
import queue
import threading

import redis
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from canteen.live import redis_client
from canteen.services.blacklist import PENDING_CHANGES

log = logging.getLogger(__name__)
CHANNEL = "canteen:blacklist"


class Broker:
    """Publishes blacklist changes to every event stream: Redis pub/sub, or in-process queues."""

    def __init__(self, redis_client: redis.Redis | None) -> None:
        self.redis = redis_client
        self._lock = threading.Lock()
        self._queues: list[queue.Queue] = []

    def publish(self, message: dict) -> None:
        """Tell every listener; a Redis failure is logged, the terminals' polling covers it."""
        text = json.dumps(message)
        if self.redis is not None:
            try:
                self.redis.publish(CHANNEL, text)
            except redis.RedisError as exc:
                log.warning("blacklist change not pushed through Redis (%s); terminals will poll", exc)
        with self._lock:
            queues = list(self._queues)
        for q in queues:
            try:
                q.put_nowait(message)
            except queue.Full:
                pass

    def listen(self):
        """A listener: ``get(timeout)`` returns the next message or None; ``close()`` ends it."""
        return _RedisListener(self.redis) if self.redis is not None else _LocalListener(self)


class _LocalListener:
    def __init__(self, broker: Broker) -> None:
        self.broker, self.queue = broker, queue.Queue(100)
        with broker._lock:
            broker._queues.append(self.queue)

    def get(self, timeout: float) -> dict | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        with self.broker._lock:
            if self.queue in self.broker._queues:
                self.broker._queues.remove(self.queue)


class _RedisListener:
    def __init__(self, client: redis.Redis) -> None:
        self.pubsub = None
        try:
            self.pubsub = client.pubsub(ignore_subscribe_messages=True)
            self.pubsub.subscribe(CHANNEL)
        except redis.RedisError as exc:
            log.warning("blacklist stream without Redis (%s): version polling only", exc)
            self.pubsub = None

    def get(self, timeout: float) -> dict | None:
        if self.pubsub is None:
            threading.Event().wait(timeout)
            return None
        try:
            message = self.pubsub.get_message(timeout=timeout)
        except (redis.RedisError, OSError) as exc:
            log.warning("blacklist stream lost Redis (%s): version polling only", exc)
            self.close()
            return None
        return json.loads(message["data"]) if message and message.get("type") == "message" else None

    def close(self) -> None:
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            except (redis.RedisError, OSError):
                pass
            self.pubsub = None


def init_publishing(app, session_factory) -> Broker:
    """Create the app's broker and publish card changes after each commit of `session_factory`'s sessions."""
    broker = Broker(redis_client(app))
    app.extensions["canteen_blacklist"] = broker

    if not getattr(session_factory, "_canteen_blacklist_hooked", False):
        event.listen(session_factory, "after_commit", _after_commit)
        event.listen(session_factory, "after_rollback", _after_rollback)
        session_factory._canteen_blacklist_hooked = True
    return broker


def _after_commit(session: Session) -> None:
    changes = session.info.pop(PENDING_CHANGES, None)
    if not changes:
        return
    if not has_app_context():
        return
    broker = current_app.extensions.get("canteen_blacklist")
    if broker is None:
        return
    try:
        # No database access here: the request has committed and must answer at once; listeners read the version.
        broker.publish({"changes": changes})
    except Exception:  # noqa: BLE001 - a failed push must never fail the committed operation
        log.exception("pushing a card change failed; terminals will poll")


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_CHANGES, None)
