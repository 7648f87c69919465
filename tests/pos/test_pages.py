"""The terminal app on its own: pages in Chinese by default and English on request, configuration, the command."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pos import create_app
from pos.cli import run_command
from pos.views.common import InputError, yuan_to_fen


@pytest.fixture
def pages(tmp_path):
    """The terminal app with its threads not started (no server, reader or printer needed)."""
    app = create_app({"CANTEEN_TERMINAL_ID": "T9", "CANTEEN_TERMINAL_KEY": "k", "CANTEEN_CARD_READER": "virtual",
                      "CANTEEN_TERMINAL_DATA_DIR": str(tmp_path), "CANTEEN_TERMINAL_CANTEEN_NAME": "区机关食堂",
                      "POS_START": False})
    return app.test_client()


def test_the_diner_page_is_chinese_by_default_and_english_on_request(pages):
    page = pages.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "区机关食堂" in page and "请刷卡" in page and "读卡器" in page
    assert "cdn" not in page.lower() and "https://" not in page  # everything is served by the terminal itself
    pages.get("/lang/en")
    english = pages.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Please tap your card" in english and "Reader" in english


def test_the_cashier_pages_require_sign_in(pages):
    assert pages.get("/cashier").headers["Location"].endswith("/cashier/login")
    refused = pages.post("/cashier/api/top-up", json={}, headers={"X-Requested-With": "pos"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "operator_auth_failed"
    cross_site = pages.post("/cashier/api/top-up", json={})
    assert cross_site.status_code == 403


def test_the_sounds_the_page_plays_are_shipped_and_small(pages):
    from pos.audio import AUDIO_DIR, PROMPTS
    from pos.outcomes import SOUNDS

    names = set(SOUNDS.values()) | {"ok", "failed", "beep", "beep_error"}
    assert names <= set(PROMPTS) | {"beep", "beep_error"}
    for name in names:
        with pages.get(f"/static/audio/{name}.wav") as response:
            assert response.status_code == 200 and response.get_data()[:4] == b"RIFF"
    assert sum(path.stat().st_size for path in AUDIO_DIR.glob("*.wav")) < 1_000_000


def test_cashier_amounts_become_integer_fen_without_floats():
    assert [yuan_to_fen("12.5"), yuan_to_fen("0.01"), yuan_to_fen(" 300 ")] == [1250, 1, 30000]
    assert yuan_to_fen("0", allow_zero=True) == 0
    for bad in ("", "0", "-1", "1.234", "1e3", "abc", None):
        with pytest.raises(InputError):
            yuan_to_fen(bad)


def test_the_terminal_command_refuses_to_start_without_its_identity(tmp_path, monkeypatch):
    monkeypatch.delenv("CANTEEN_TERMINAL_ID", raising=False)
    monkeypatch.delenv("CANTEEN_TERMINAL_KEY", raising=False)
    result = CliRunner().invoke(run_command, ["--reader", "virtual", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0 and "CANTEEN_TERMINAL_ID" in result.output
