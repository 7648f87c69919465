"""Redis, where it serves: never the system of record, so its absence only degrades live views.

Without a Redis URL an in-process substitute serves one process.
"""
import time

import redis

_CLIENT_KEY = "canteen_redis"


def redis_client(app) -> redis.Redis | None:
    """The app's Redis client, or None when no URL is configured."""
    if not app.config.get("REDIS_URL"):
        return None
    client = app.extensions.get(_CLIENT_KEY)
    if client is None:
        client = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5)
        app.extensions[_CLIENT_KEY] = client
    return client


def redis_status(app) -> dict:
    """Whether Redis answers; ``in-process`` when none is configured."""
    client = redis_client(app)
    if client is None:
        return {"ok": True, "mode": "in-process"}
    try:
        client.ping()
        return {"ok": True, "mode": "redis"}
    except redis.RedisError as exc:
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}


#: Published after every booked meal; the dashboard's event stream wakes on it.
LIVE_CHANNEL = "canteen:live"
#: After Redis failed, publishing is skipped this long, so a tap never waits on a dead Redis.
_BACKOFF_SECONDS = 5.0


def publish(app, channel: str, message: str) -> bool:
    """Best-effort publish; False when Redis is not configured, down, or recently failed."""
    client = redis_client(app)
    if client is None or time.monotonic() < app.extensions.get("canteen_redis_down_until", 0.0):
        return False
    try:
        client.publish(channel, message)
        return True
    except redis.RedisError as exc:
        app.extensions["canteen_redis_down_until"] = time.monotonic() + _BACKOFF_SECONDS
        app.logger.warning("redis publish to %s failed (%s); live views degrade for %ss",
                           channel, type(exc).__name__, _BACKOFF_SECONDS)
        return False
