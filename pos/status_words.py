"""The words of the terminal's status bar: the tooltips of the reader, printer and server lights and of the offline
box, in the page's language.

The ``health`` and ``offline`` events are built once, in Chinese, by threads that serve every open page. Each
health state carries the message id it was made from (``text``, plus ``args`` when it has blanks), so a page in
another language looks the words up in the terminal's catalogue (``pos/translations/en``) instead of showing the
Chinese sentence; :func:`localize_status` does that for one event.
"""
from __future__ import annotations

from typing import Callable

from cardreader.events import ABSENT, CONNECTED, PCSCD_DOWN, READER_STATE_MESSAGES
from pos.i18n import N_

CHECKING = N_("检测中")
SERVER_UP, SERVER_DOWN = N_("服务器连接正常"), N_("无法连接服务器")
SERVER_DOWN_OFFLINE = N_("脱机：无法连接服务器")
READER_NOT_OPENED = N_("读卡器无法打开：%(error)s")
#: The reader's own words for each state (:data:`cardreader.events.READER_STATE_MESSAGES`), marked here.
READER_STATES = {CONNECTED: N_("读卡器正常"), ABSENT: N_("未检测到读卡器，请检查读卡器连接"),
                 PCSCD_DOWN: N_("读卡服务（pcscd）未运行，正在重新连接")}
assert READER_STATES == READER_STATE_MESSAGES, "reader state messages out of step"
NO_PRINTER, PRINTER_UNKNOWN = N_("未配置打印机"), N_("打印机状态未知")
PRINTER_OK, PAPER_LOW, PAPER_OUT = N_("打印机正常"), N_("打印机纸将尽"), N_("打印机缺纸，请装纸")
PRINTER_OFFLINE = N_("打印机离线（纸仓盖未关或故障）")
PRINTER_OK_FAILED_JOBS = N_("打印机正常，%(failed)s 张小票打印失败待重打")
#: A printer that cannot be reached: the Chinese page shows the printer package's fuller sentence instead.
PRINTER_UNREACHABLE = N_("无法连接打印机或打印机无应答")
#: The offline box's tooltip when the server refused the offline charges (its own sentence is Chinese).
SYNC_REFUSED = N_("服务器拒收离线记录（%(code)s），请联系管理员")


def words(text: str, args: dict | None = None, gettext: Callable[[str], str] = lambda text: text) -> str:
    """Message id `text` in the language of `gettext` (Chinese without one), its blanks filled from `args`."""
    return gettext(text) % args if args else gettext(text)


def localize_status(name: str, data: dict, gettext: Callable[[str], str]) -> dict:
    """A ``health`` or ``offline`` event with its tooltips in the language of `gettext`; others as they are."""
    if name == "health":
        return {part: dict(state, message=words(state.get("text") or state.get("message") or "",
                                                  state.get("args"), gettext))
                if isinstance(state, dict) else state for part, state in data.items()}
    if name == "offline" and data.get("error_code"):
        return dict(data, error=words(SYNC_REFUSED, {"code": data["error_code"]}, gettext))
    return data
