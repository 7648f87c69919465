"""What the diner page shows and says after a tap: a green or red state, plain words and a voice prompt.

A tap ends in one :func:`charged` or :func:`refused` event (``tap`` on the event stream). Each names the sound the
page plays, a file under ``pos/static/audio/`` (see :mod:`pos.audio`).

Events are built once, in Chinese, for every open page. A page in another language gets them through
:func:`localizer`: a refusal's headline and sentence come by its stable code (never from the server's Chinese
sentence) from :mod:`canteen.rules.refusals`, the one definition of refusal words in both languages; the terminal's
own texts (the green state's) are message ids of its catalogue (``pos/translations/en``).
"""
from __future__ import annotations

from typing import Callable

from canteen.rules import refusals
from cardreader.errors import MESSAGES as READER_MESSAGES
from pos.i18n import N_
from pos.status_words import localize_status, words

#: Server and reader refusal codes -> the voice prompt the page plays.
SOUNDS = {
    "insufficient_balance": "insufficient", "card_lost": "lost", "card_replaced": "disabled",
    "card_cancelled": "disabled", "person_cancelled": "disabled", "unknown_card": "unknown",
    "repeated_tap": "repeated", "outside_meal_period": "no_meal", "no_price": "no_meal",
    "meal_limit_reached": "limit", "daily_limit_reached": "limit", "server_unreachable": "offline",
    "random_uid": "read_error", "card_removed_mid_read": "read_error", "bad_status": "read_error",
    "bad_response": "read_error", "bad_uid_length": "read_error", "not_card_number": "read_error",
    "card_unresponsive": "read_error", "reader_error": "read_error",
}

#: Headline and sentence of each refusal, in Chinese: the one definition is :mod:`canteen.rules.refusals` (English
#: too), shared with the server and the card reader. Kept here as views by code for the page and the audio table.
HEADLINES = {code: words.headline_zh for code, words in refusals.REFUSALS.items()}
MESSAGES = {code: words.zh for code, words in refusals.REFUSALS.items()}
#: Headlines of the green state, and of a refusal without its own.
OK_HEADLINE, OFFLINE_OK_HEADLINE = N_("扣款成功"), N_("扣款成功（脱机）")
READ_FAILED, TAP_FAILED = refusals.REFUSALS["reader_error"].headline_zh, refusals.UNKNOWN.headline_zh
assert all(MESSAGES[code] == text for code, text in READER_MESSAGES.items()), "reader messages out of step"
#: Said for a refusal code this terminal does not know (a newer server): nothing was charged.
UNKNOWN_REFUSAL = refusals.UNKNOWN.zh

#: What the page says when the server did not answer: the charge may or may not have been booked.
UNREACHABLE_MESSAGE = MESSAGES["server_unreachable"]
#: The figures a refusal may carry (fen), passed on to the page and into the sentence.
FIGURES = ("price", "balance")


def charged(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after a meal charge (the server's ``/taps`` answer)."""
    person = body.get("person") or {}
    return {"state": "ok", "headline": OK_HEADLINE, "message": body.get("meal_period") or "",
            "name": person.get("name"), "staff_no": person.get("staff_no"), "uid": uid,
            "amount": body.get("amount"), "from_subsidy": body.get("from_subsidy"),
            "from_cash": body.get("from_cash"), "cash_left": body.get("cash_left"),
            "subsidy_left": body.get("subsidy_left"), "low_balance": bool(body.get("low_balance")),
            "low_balance_threshold": body.get("low_balance_threshold"),
            "entry_id": (body.get("entry") or {}).get("id"), "sound": "ok", "seen": seen}


def charged_offline(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after an offline charge (in the outbox, booked when the server is back)."""
    return {"state": "ok", "headline": OFFLINE_OK_HEADLINE, "message": body.get("meal_period") or "",
            "name": (body.get("person") or {}).get("name"), "uid": uid, "amount": body["amount"],
            "balance_left": body.get("balance_left"), "offline": True, "offline_seq": body["seq"],
            "sound": "ok", "seen": seen}


def refused(code: str, message: str | None, *, seen: float, uid: str | None = None,
            data: dict | None = None) -> dict:
    """The red state: nothing was charged (or, for ``server_unreachable``, it cannot be known). The words come from
    :mod:`canteen.rules.refusals` by `code`, with the amounts in `data` (the server's refusal body: ``price``,
    ``balance`` in fen) and the holder's masked ``name``; `message` (the server's or reader's) only for a code
    this terminal does not know."""
    data = data or {}
    figures = {k: data[k] for k in FIGURES if isinstance(data.get(k), int)}
    known = code in refusals.REFUSALS
    return {"state": "refused", "code": code, "headline": refusals.headline(code),
            "message": refusals.text(code, "zh", figures) if known or not message else message,
            "figures": figures, "name": refusals.mask_name(data.get("name")) or None, "uid": uid,
            "sound": SOUNDS.get(code, "failed"), "seen": seen}


def localize(name: str, data: dict, gettext: Callable[[str], str]) -> dict:
    """Event `name` with its words in the page's language: headline and message chosen by the stable code (or
    the message id the event carries)."""
    if name in ("tap", "card_error") and data.get("headline"):
        data = dict(data, headline=gettext(data["headline"]))
        if data.get("state") == "refused":
            data["message"] = refusals.text(data.get("code"), "en", data.get("figures"))
            if not data.get("guest"):
                data["headline"] = refusals.headline(data.get("code"), "en")
        elif data.get("text"):  # a message this terminal wrote, with blanks (a guest ticket's)
            data["message"] = words(data["text"], data.get("args"), gettext)
    elif name == "card" and data.get("code"):
        data = dict(data, message=refusals.text(data["code"], "en"))
    return data


def localizer(locale: str, gettext: Callable[[str], str]) -> Callable[[str, dict], dict] | None:
    """What a page in `locale` applies to each event (taps, and the status bar's tooltips); None for Chinese, the
    language events are built in."""
    if locale.startswith("zh"):
        return None
    return lambda name, data: localize_status(name, localize(name, data, gettext), gettext)
