"""The terminal's status bar (lights, their tooltips, the offline box) and its offline refusals read in English
when English is chosen, with no Chinese left in them; Chinese stays the default."""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from babel.support import Translations

import pos
from cardreader.events import ABSENT, READER_STATE_MESSAGES
from pos import create_app, outcomes, status_words
from pos.api_client import UNREACHABLE
from pos.event_hub import EventHub
from pos.health import HealthBoard

ENGLISH = Translations.load(str(Path(pos.__file__).parent / "translations"), ["en"])
HAN = re.compile(r"[\u4e00-\u9fff]")
CANTEEN = "区机关食堂"


def _english(name: str, data: dict) -> dict:
    return outcomes.localizer("en", ENGLISH.gettext)(name, data)


@pytest.fixture
def pages(tmp_path):
    """The terminal app with its threads not started, its server out of reach (nothing listens on port 9)."""
    app = create_app({"CANTEEN_TERMINAL_ID": "T9", "CANTEEN_TERMINAL_KEY": "k", "CANTEEN_CARD_READER": "virtual",
                      "CANTEEN_TERMINAL_DATA_DIR": str(tmp_path), "CANTEEN_TERMINAL_CANTEEN_NAME": CANTEEN,
                      "CANTEEN_TERMINAL_SERVER_URL": "http://127.0.0.1:9", "CANTEEN_TERMINAL_TIMEOUT": "0.5",
                      "POS_START": False})
    return app.test_client()


def test_every_word_of_the_status_bar_has_an_english_translation_without_chinese():
    texts = {value for name, value in vars(status_words).items()
             if name.isupper() and isinstance(value, str) and HAN.search(value)}
    texts |= set(status_words.READER_STATES.values()) | {UNREACHABLE}
    assert len(texts) >= 18
    english = {text: ENGLISH.gettext(text) for text in texts}
    assert sorted(text for text, said in english.items() if said == text or HAN.search(said)) == []


def test_an_english_page_gets_every_light_s_tooltip_in_english():
    board = HealthBoard(EventHub())
    board.set("reader", False, status_words.READER_STATES[ABSENT])
    board.set("printer", False, status_words.PRINTER_UNREACHABLE,
              message="无法连接打印机 127.0.0.1:9100：连接被拒绝（打印机未开机，或地址、端口不对）", failed=0)
    board.set("server", False, status_words.SERVER_DOWN_OFFLINE)
    chinese = board.snapshot()
    english = _english("health", chinese)
    assert {part: state["message"] for part, state in english.items()} == {
        "reader": "No card reader found; check that it is plugged in",
        "printer": "Cannot reach the printer, or it does not answer",
        "server": "Offline: cannot reach the server"}
    assert english["printer"]["failed"] == 0 and english["reader"]["ok"] is False
    assert chinese["printer"]["message"].startswith("无法连接打印机 127.0.0.1:9100")  # other pages keep theirs
    assert chinese["reader"]["message"] == READER_STATE_MESSAGES[ABSENT]


def test_a_tooltip_with_blanks_is_filled_in_each_language():
    board = HealthBoard(EventHub())
    board.set("printer", True, status_words.PRINTER_OK_FAILED_JOBS, args={"failed": 2}, failed=2, queued=0)
    board.set("reader", False, status_words.READER_NOT_OPENED, args={"error": "no PC/SC library"})
    chinese = board.snapshot()
    assert chinese["printer"]["message"] == "打印机正常，2 张小票打印失败待重打"
    assert chinese["reader"]["message"] == "读卡器无法打开：no PC/SC library"
    english = _english("health", chinese)
    assert english["printer"]["message"] == "Printer ready; 2 receipt(s) failed to print and wait to be reprinted"
    assert english["reader"]["message"] == "The card reader cannot be opened: no PC/SC library"
    assert english["server"]["message"] == "Checking"


def test_the_offline_box_s_tooltip_says_a_server_refusal_in_english_by_its_code():
    state = {"online": True, "pending": 3, "blacklist_version": 7, "snapshot_at": None,
             "error": "offline_sequence_gap: 离线记录序号不连续，请先同步缺失的记录",
             "error_code": "offline_sequence_gap"}
    english = _english("offline", state)
    assert english["error"] == ("The server refused the offline charges (offline_sequence_gap); "
                                "please call the administrator")
    assert english["pending"] == 3 and state["error"].startswith("offline_sequence_gap: 离线")
    damaged = dict(state, error="outbox /data/outbox.db fails its integrity check", error_code=None)
    assert _english("offline", damaged) == damaged


def _page_text(html: str) -> str:
    """What the page shows: its text without tags, the script handed to it, the language link or the canteen."""
    html = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).replace(CANTEEN, "").replace("中文", "")


def _script_words(html: str) -> dict:
    """The words the page hands its script (the body's ``data-text``: no inline script under the CSP)."""
    return json.loads(unescape(re.search(r"data-text='([^']*)'", html).group(1)))


def test_the_diner_page_in_english_shows_and_hands_its_script_no_chinese(pages):
    pages.get("/lang/en")
    html = pages.get("/").get_data(as_text=True)
    words = _script_words(html)
    assert (words["online"], words["offline"], words["seconds_ago"]) == ("Online", "Offline", "{n} s ago")
    assert {key: said for key, said in words.items() if HAN.search(said)} == {}
    assert HAN.findall(_page_text(html)) == []
    assert "below the reminder amount you set" in html


def test_the_diner_page_stays_chinese_by_default(pages):
    html = pages.get("/").get_data(as_text=True)
    words = _script_words(html)
    assert (words["online"], words["offline"], words["minutes_ago"]) == ("在线", "脱机", "{n} 分钟前")


def test_a_cashier_request_the_server_never_answers_is_refused_in_english(pages):
    pages.get("/lang/en")
    supervisor = pages.application.extensions["pos"].supervisor
    supervisor.set_cashier_mode(True)
    with pages.session_transaction() as session:
        session.update(token="t", till_epoch=supervisor.cashier_epoch)
    reply = pages.post("/cashier/api/top-up", json={"amount": "10", "person_id": 1},
                       headers={"X-Requested-With": "pos"})
    assert reply.status_code == 503
    assert reply.get_json()["error"] == {"code": "server_unreachable",
                                         "message": "Cannot reach the server; please try again later"}
