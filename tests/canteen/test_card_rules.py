"""Card states and their allowed changes, as one rule (canteen.rules.cards) every service and the terminal use."""
import pytest

from canteen.errors import DomainError
from canteen.rules.cards import TRANSITIONS, CardState, change, choice_key, refusal


@pytest.mark.parametrize("old, new", [(old, new) for old in CardState for new in CardState])
def test_a_card_changes_state_only_as_the_rules_allow(old, new):
    if new in TRANSITIONS[old]:
        assert change(old, new) is new
        return
    with pytest.raises(DomainError) as refused:
        change(old, new, "04A1B2C3D4E5F6")
    assert refused.value.code in ("card_not_lost", "card_lost", "card_replaced", "card_cancelled")


def test_replaced_and_cancelled_cards_are_final():
    assert not TRANSITIONS[CardState.REPLACED] and not TRANSITIONS[CardState.CANCELLED]


def test_only_an_active_card_pays():
    assert refusal("active") is None
    assert [refusal(s) for s in ("lost", "replaced", "cancelled")] == ["card_lost", "card_replaced", "card_cancelled"]


def test_a_uid_names_its_live_card_first_then_the_latest():
    cards = [("replaced", 1), ("cancelled", 7), ("lost", 3), ("replaced", 9)]
    assert min(cards, key=lambda c: choice_key(*c)) == ("lost", 3)
    assert min(cards + [("active", 2)], key=lambda c: choice_key(*c)) == ("active", 2)
    assert min([("replaced", 1), ("cancelled", 7)], key=lambda c: choice_key(*c)) == ("cancelled", 7)
