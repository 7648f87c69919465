"""Card states (卡状态) and their allowed changes, the refusal a card in each state gets, and which card a UID names.

A card is only a credential: money stays with the person. Pure: the server's services and the terminal's offline
snapshot both use these.
"""
from enum import StrEnum

from canteen.errors import DomainError


class CardState(StrEnum):
    """A card's state; the value is what the database stores."""

    ACTIVE = "active"  # 正常: pays
    LOST = "lost"  # 挂失: refused everywhere until unfrozen (解挂) or replaced
    REPLACED = "replaced"  # 已补卡: a new card took its place; final
    CANCELLED = "cancelled"  # 已注销 (清退): final


#: The changes a card may go through: 挂失 and 解挂, 补卡 (from active or lost), 清退 (from active or lost).
TRANSITIONS: dict[CardState, frozenset[CardState]] = {
    CardState.ACTIVE: frozenset({CardState.LOST, CardState.REPLACED, CardState.CANCELLED}),
    CardState.LOST: frozenset({CardState.ACTIVE, CardState.REPLACED, CardState.CANCELLED}),
    CardState.REPLACED: frozenset(),
    CardState.CANCELLED: frozenset(),
}
#: A UID's live cards (at most one of them: the database says so too): they hold the UID.
LIVE = (CardState.ACTIVE, CardState.LOST)
#: Why a card that is not active is refused.
REFUSALS = {CardState.LOST: "card_lost", CardState.REPLACED: "card_replaced", CardState.CANCELLED: "card_cancelled"}


def refusal(state: str) -> str | None:
    """The refusal code for a card in `state`, or None if it may pay."""
    return REFUSALS.get(CardState(state))


def require_usable(state: str, uid: str) -> None:
    """Raise the card's refusal (with its UID) unless it is active."""
    code = refusal(state)
    if code is not None:
        raise DomainError(code, uid)


def change(state: str, to: CardState, uid: str = "") -> CardState:
    """The card's new state `to`, if the change from `state` is allowed; else the refusal that explains why not
    (the card's own, or ``card_not_lost`` for unfreezing a card that is not lost)."""
    state = CardState(state)
    if to in TRANSITIONS[state]:
        return to
    if to is CardState.ACTIVE and state is CardState.ACTIVE:
        raise DomainError("card_not_lost", uid)
    raise DomainError(REFUSALS.get(state, "invalid_transition"), uid)


#: Which card a UID names when several have carried it: the live one (active, else lost), else the latest.
CHOICE_RANK = {CardState.ACTIVE: 0, CardState.LOST: 1}
OTHER_RANK = 2


def choice_key(state: str, card_id: int) -> tuple[int, int]:
    """Sort key of the cards one UID names: the first is the card the UID means."""
    return CHOICE_RANK.get(CardState(state), OTHER_RANK), -card_id
