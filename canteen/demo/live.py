"""Keeping the demo's "today" live: a few taps (and now and then a top-up) every minute while the demo runs.

Every tap is a service call at the time it happens, at terminal T02, exactly as a till would book it; a tap
refused (no meal being served now, already eaten, not enough money) is skipped. Outside meal hours a diner
now and then tops up by WeChat, so the money figures move too.
"""
import random
import time
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.models import Card, Operator, Person, Terminal
from canteen.services.common import Actor, Rules
from canteen.services.meals import charge_meal
from canteen.services.topup import top_up

#: The terminal live taps are booked at (T01 is the demo's terminal with the virtual reader).
LIVE_TERMINAL = "T02"
TOP_UP = 10_000


def tick(session: Session, rules: Rules, rng: random.Random, taps: int = 3) -> dict:
    """Up to `taps` taps by random card holders now; returns what was booked: {"meals": n, "top_ups": n}."""
    terminal = session.scalar(select(Terminal).where(Terminal.code == LIVE_TERMINAL))
    cashier = session.scalar(select(Operator).where(Operator.username == "cashier2"))
    uids = session.execute(select(Card.uid, Person).join(Person, Person.id == Card.person_id)
                           .where(Card.state == "active", Person.state == "active")).all()
    done = {"meals": 0, "top_ups": 0}
    if terminal is None or not uids:
        return done
    for uid, person in rng.sample(uids, min(taps, len(uids))):
        try:
            charge_meal(session, Actor(key=f"demo-live:{uuid.uuid4()}", terminal=terminal), rules, uid=uid)
            session.commit()
            done["meals"] += 1
            continue
        except DomainError as exc:
            session.rollback()
            if exc.code != "insufficient_balance" and not (exc.code == "outside_meal_period" and rng.random() < 0.1):
                continue
        try:
            top_up(session, Actor(key=f"demo-live:{uuid.uuid4()}", operator=cashier, terminal=terminal), rules,
                   person=person, amount=TOP_UP, method="wechat")
            session.commit()
            done["top_ups"] += 1
        except DomainError:
            session.rollback()
    return done


def run(session_factory, rules: Rules, *, interval: float = 60.0, taps: int = 3, rounds: int | None = None,
        seed: int | None = None, log=print) -> None:
    """Tick every `interval` seconds (`rounds` times, or until stopped)."""
    rng = random.Random(seed)
    n = 0
    while rounds is None or n < rounds:
        session = session_factory()
        try:
            done = tick(session, rules, rng, taps)
        finally:
            session.close()
        if done["meals"] or done["top_ups"]:
            log(f"demo live: {done['meals']} taps, {done['top_ups']} top-ups")
        n += 1
        if rounds is None or n < rounds:
            time.sleep(interval)
