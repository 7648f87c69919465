"""Every tap outcome has words in each of the terminal's languages, chosen by its stable code."""
from __future__ import annotations

import re
from pathlib import Path

from babel.support import Translations

import pos
from cardreader.errors import MESSAGES as READER_MESSAGES
from canteen.rules import refusals
from pos import outcomes

ENGLISH = Translations.load(str(Path(pos.__file__).parent / "translations"), ["en"])
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_refusal_code_the_page_knows_has_an_english_headline_and_message():
    codes = set(outcomes.SOUNDS) | set(outcomes.HEADLINES) | set(READER_MESSAGES)
    assert codes <= set(outcomes.MESSAGES) == set(refusals.REFUSALS)
    for code in codes:  # the one definition (canteen.rules.refusals) has both languages
        english = refusals.headline(code, "en") + refusals.text(code, "en")
        assert not HAN.search(english), code
        assert "未扣款" in refusals.text(code) or "未记账" in refusals.text(code) or code == "server_unreachable"
    for text in (outcomes.OK_HEADLINE, outcomes.OFFLINE_OK_HEADLINE):
        assert ENGLISH.gettext(text) != text


def test_an_english_page_gets_the_refusal_by_code_not_the_servers_chinese_sentence():
    event = outcomes.refused("card_lost", "此卡已挂失", seen=1.0, uid="04A1B2C3")
    english = outcomes.localizer("en", ENGLISH.gettext)("tap", event)
    assert (english["headline"], english["code"]) == ("Card reported lost", "card_lost")
    assert english["message"].startswith("This card is reported lost")
    assert event["headline"] == "此卡已挂失"  # the event other pages get is untouched
    assert outcomes.localizer("zh_Hans_CN", ENGLISH.gettext) is None


def test_a_code_this_terminal_does_not_know_still_says_nothing_was_charged():
    event = outcomes.refused("brand_new_refusal", "新的拒绝原因", seen=1.0)
    english = outcomes.localize("tap", event, ENGLISH.gettext)
    assert (english["headline"], english["message"]) == (
        "Tap failed", "The tap did not go through. Nothing was charged. Please ask at the cashier.")
    assert event["message"] == "新的拒绝原因"


def test_a_successful_tap_says_paid_in_english_and_keeps_the_figures():
    event = outcomes.charged({"person": {"name": "张三"}, "amount": 1000, "cash_left": 4000, "meal_period": "午餐"},
                             seen=1.0, uid="04A1B2C3")
    english = outcomes.localize("tap", event, ENGLISH.gettext)
    assert (english["headline"], english["name"], english["amount"], english["cash_left"]) == (
        "Paid", "张三", 1000, 4000)


def test_a_guest_ticket_s_outcome_reads_in_english_with_only_the_server_s_names_left_in_chinese():
    from pos.views.guest_tickets import HEADLINES, accepted, refused

    ok = accepted({"department": "办公室", "meal_period": "午餐", "amount": 1250, "ticket": {"number": 2, "of": 5}},
                  seen=1.0)
    assert (ok["headline"], ok["message"]) == ("接待用餐", "午餐 第 2/5 张 · ￥12.50 记入部门账")
    english = outcomes.localize("tap", ok, ENGLISH.gettext)
    assert (english["headline"], english["message"]) == (
        "Guest meal", "午餐 ticket 2/5 · ￥12.50 charged to the department")
    for code in HEADLINES:
        refusal = outcomes.localize("tap", refused(code, "服务器的中文说明", seen=1.0), ENGLISH.gettext)
        assert not HAN.search(refusal["headline"] + refusal["message"]), (code, refusal)
    used = outcomes.localize("tap", refused("ticket_used", "此招待餐券已使用", seen=1.0), ENGLISH.gettext)
    assert (used["headline"], used["message"]) == (
        "Ticket already used", "This guest meal ticket was already used. Nothing was booked.")
