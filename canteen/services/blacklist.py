"""The blacklist (黑名单): which cards terminals must refuse, its version, and pushing its changes.

The version is the id of the latest card event, so every loss, unfreeze, reissue or cancellation
moves it forward without a write of its own. After a transaction that changed a card commits, the
change is published: through Redis pub/sub when a Redis URL is configured (every server process
hears it), else to the subscribers in this process. Terminals listen on the event stream and poll
the version as a fallback, so Redis being down delays nothing by more than a poll.
"""
import json
import logging
import queue
import threading

import redis
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from canteen.models import Card, CardEvent

log = logging.getLogger(__name__)
CHANNEL = "canteen:blacklist"
_PENDING = "canteen_card_changes"


def blacklist_version(session: Session) -> int:
    """The id of the latest card event (0 before any card exists)."""
    return session.scalar(select(func.coalesce(func.max(CardEvent.id), 0)))


def changes_since(session: Session, version: int, limit: int = 5000) -> list[dict]:
    """Cards whose state changed after `version`: their UID and state now, latest first wins."""
    rows = session.execute(
        select(CardEvent.id, Card.uid, Card.state).join(Card, Card.id == CardEvent.card_id)
        .where(CardEvent.id > version).order_by(CardEvent.id).limit(limit)).all()
    return [{"version": v, "uid": uid, "state": state} for v, uid, state in rows]


def note_card_change(session: Session, uid: str, state: str) -> None:
    """Remember that this transaction changed a card; it is published once the transaction commits."""
    session.info.setdefault(_PENDING, []).append({"uid": uid, "state": state})


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
    from canteen.live import redis_client

    broker = Broker(redis_client(app))
    app.extensions["canteen_blacklist"] = broker

    if not getattr(session_factory, "_canteen_blacklist_hooked", False):
        event.listen(session_factory, "after_commit", _after_commit)
        event.listen(session_factory, "after_rollback", _after_rollback)
        session_factory._canteen_blacklist_hooked = True
    return broker


def _after_commit(session: Session) -> None:
    changes = session.info.pop(_PENDING, None)
    if not changes:
        return
    from flask import current_app, has_app_context

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
    session.info.pop(_PENDING, None)


def build_snapshot(session: Session, timezone: str, terminal_code: str, key_hash: str, now,
                   double_tap_seconds: int = 0) -> dict:
    """What an offline terminal charges from: active cards with their holder and spendable balance, the
    blacklist, meal periods and prices, and what the meal rules need (each category's limits, the double-tap
    window, each person's meals today); sealed with an HMAC under the terminal's key (``hash``)."""
    from canteen.clock import business_date
    from canteen.models import Account, DinerCategory, MealPeriod, MealPrice, Person
    from canteen.models.ledger import RECEIVABLE_PREFIX

    version = blacklist_version(session)
    spendable: dict[int, int] = {}
    for person_id, balance in session.execute(select(Account.person_id, Account.balance).where(
            Account.kind.in_(("cash", "subsidy")))):
        spendable[person_id] = spendable.get(person_id, 0) + balance
    for code, balance in session.execute(select(Account.code, Account.balance).where(
            Account.code.startswith(RECEIVABLE_PREFIX))):
        person_id = int(code[len(RECEIVABLE_PREFIX):])
        spendable[person_id] = spendable.get(person_id, 0) + balance
    cards = [[uid, pid, name, cat, spendable.get(pid, 0)] for uid, pid, name, cat in session.execute(
        select(Card.uid, Card.person_id, Person.name, Person.category_id).join(Person, Person.id == Card.person_id)
        .where(Card.state == "active", Person.state == "active").order_by(Card.uid))]
    live = {c[0] for c in cards}
    blocked = sorted({(uid, state) for uid, state in session.execute(
        select(Card.uid, Card.state).where(Card.state != "active")) if uid not in live})
    prices = session.execute(select(MealPrice.meal_period_id, MealPrice.category_id, MealPrice.price)).all()
    periods = [{"id": p.id, "code": p.code, "name": p.name, "start": p.start_time.isoformat(),
                "end": p.end_time.isoformat(), "weekdays": p.weekdays,
                "prices": {str(c): fen for pid, c, fen in prices if pid == p.id}}
               for p in session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                        .order_by(MealPeriod.start_time))]
    day = business_date(now, timezone)
    limits = {str(c.id): [c.per_meal_count, c.per_day_count, c.per_meal_amount, c.per_day_amount]
              for c in session.scalars(select(DinerCategory))}
    body = {"version": version, "generated_at": now.isoformat(), "terminal": terminal_code, "timezone": timezone,
            "cards": cards, "blacklist": [list(b) for b in blocked], "periods": periods,
            "day": day.isoformat(), "double_tap_seconds": double_tap_seconds, "limits": limits,
            "meals_today": _meals_on(session, day)}
    body["hash"] = snapshot_hash(key_hash, body)
    return body


def _meals_on(session: Session, day) -> dict[str, list]:
    """{person id: [[meal period id, tapped at, net fen], ...]} of the day's meals not fully refunded."""
    from sqlalchemy.orm import aliased

    from canteen.models import JournalEntry
    from canteen.models.base import fen_sum

    refund = aliased(JournalEntry)
    refunded = select(fen_sum(refund.amount)).where(refund.original_id == JournalEntry.id).scalar_subquery()
    meals: dict[str, list] = {}
    for person_id, period_id, at, net in session.execute(
            select(JournalEntry.person_id, JournalEntry.meal_period_id, JournalEntry.created_dt,
                   JournalEntry.amount - refunded)
            .where(JournalEntry.business_date == day, JournalEntry.kind == "meal",
                   JournalEntry.person_id.is_not(None)).order_by(JournalEntry.id)):
        if net > 0:
            meals.setdefault(str(person_id), []).append([period_id, at.isoformat(), int(net)])
    return meals


def snapshot_hash(key_hash: str, body: dict) -> str:
    """HMAC-SHA256 of a snapshot's canonical JSON (without its ``hash``) under the terminal's key."""
    import hashlib
    import hmac

    from canteen.services.offline import seal_key

    text = json.dumps({k: v for k, v in body.items() if k != "hash"}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hmac.new(seal_key(key_hash), text.encode(), hashlib.sha256).hexdigest()
