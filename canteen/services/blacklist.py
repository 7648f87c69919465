"""The blacklist (黑名单): which cards terminals must refuse, and its version.

The version is the id of the latest card event, so every loss, unfreeze, reissue or cancellation
moves it forward without a write of its own. A transaction that changes a card notes it here; once it
commits, :mod:`canteen.services.blacklist_broker` pushes the change to the terminals' event streams.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.models import Card, CardEvent

#: session.info key: the cards this transaction changed, pushed to terminals after it commits.
PENDING_CHANGES = "canteen_card_changes"


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
    session.info.setdefault(PENDING_CHANGES, []).append({"uid": uid, "state": state})
