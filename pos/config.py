"""The terminal's configuration: which server, which terminal, which reader and printer.

Keys are read from ``CANTEEN_TERMINAL_*`` environment variables (or the mapping passed to
:func:`pos.create_app`); the reader keys are `cardreader.config`'s (``CANTEEN_CARD_READER`` ...) and the printer
keys `printers.config`'s (``CANTEEN_PRINTER_URL`` ...), so one environment configures the whole till.

| key                                   | default                 | meaning                                       |
|---------------------------------------|-------------------------|-----------------------------------------------|
| `CANTEEN_TERMINAL_SERVER_URL`         | `http://127.0.0.1:5000` | the central server                            |
| `CANTEEN_TERMINAL_ID` / `_KEY`        | (required)              | this terminal's code and key                  |
| `CANTEEN_TERMINAL_DATA_DIR`           | `instance/terminal`     | sequence file and print queue                 |
| `CANTEEN_TERMINAL_PRINT_QUEUE`        | `<data dir>/print-queue.db` | the persisted print queue                 |
| `CANTEEN_TERMINAL_MEAL_RECEIPTS`      | `0`                     | print a receipt for every diner tap           |
| `CANTEEN_TERMINAL_CANTEEN_NAME`       | `机关职工餐厅`           | shown on the page and printed on receipts     |
| `CANTEEN_TERMINAL_TIMEZONE`           | `Asia/Shanghai`         | times on receipts and on the till's pages     |
| `CANTEEN_TERMINAL_TIMEOUT`            | `3`                     | seconds per server request                    |
| `CANTEEN_TERMINAL_RETRIES`            | `2`                     | retries of a write after a timeout            |
| `CANTEEN_TERMINAL_IDLE_SECONDS`       | `4`                     | the diner page returns to idle after this     |
| `CANTEEN_TERMINAL_SECRET_KEY`         | (random per start)      | signs the cashier's session cookie            |
| `CANTEEN_TERMINAL_CASHIER_IDLE_MINUTES` | `5`                   | cashier at the till signed out when inactive |
| `CANTEEN_TERMINAL_VOICE_AMOUNTS`      | `0`                     | the charged prompt says amount and balance    |

Offline mode's keys (``CANTEEN_TERMINAL_OFFLINE_*``) are in :mod:`pos.offline.config`.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from cardreader.config import ReaderSettings
from pos.offline.config import OfflineSettings
from printers.config import PrinterConfig, config_from_env

PREFIX = "CANTEEN_TERMINAL_"
_TRUE = {"1", "true", "yes", "on"}


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in _TRUE


@dataclass(frozen=True)
class TerminalSettings:
    """Everything one till needs to run."""

    server_url: str
    terminal_id: str
    terminal_key: str
    reader: ReaderSettings
    printer: PrinterConfig | None
    data_dir: Path
    print_queue: Path
    meal_receipts: bool = False
    canteen_name: str = "机关职工餐厅"
    timezone: str = "Asia/Shanghai"
    timeout: float = 3.0
    retries: int = 2
    idle_seconds: float = 4.0
    cashier_idle_minutes: float = 5.0
    voice_amounts: bool = False
    offline: OfflineSettings = field(default_factory=OfflineSettings)

    def __post_init__(self) -> None:
        if not self.terminal_id or not self.terminal_key:
            raise ValueError("the terminal needs CANTEEN_TERMINAL_ID and CANTEEN_TERMINAL_KEY (or --terminal-id/-key)")
        if not self.server_url.startswith(("http://", "https://")):
            raise ValueError(f"server URL {self.server_url!r} must start with http:// or https://")
        if self.timeout <= 0 or self.retries < 0 or self.idle_seconds <= 0 or self.cashier_idle_minutes <= 0:
            raise ValueError("timeout, idle seconds and cashier idle minutes must be positive, retries not negative")
        ZoneInfo(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The till's local time zone."""
        return ZoneInfo(self.timezone)

    @property
    def sequence_file(self) -> Path:
        """Where the idempotency sequence is kept."""
        return self.data_dir / "sequence"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "TerminalSettings":
        """Settings from `CANTEEN_TERMINAL_*`, reader and printer keys; a bad value fails at startup."""
        get = lambda key, default=None: mapping.get(PREFIX + key) or default  # noqa: E731
        data_dir = Path(get("DATA_DIR", "instance/terminal"))
        printer = config_from_env({k: str(v) for k, v in mapping.items() if isinstance(v, (str, int, float))})
        return cls(
            server_url=str(get("SERVER_URL", "http://127.0.0.1:5000")).rstrip("/"),
            terminal_id=str(get("ID", "")), terminal_key=str(get("KEY", "")),
            reader=ReaderSettings.from_mapping(mapping), printer=printer, data_dir=data_dir,
            print_queue=Path(get("PRINT_QUEUE", data_dir / "print-queue.db")),
            meal_receipts=_flag(get("MEAL_RECEIPTS", "0")),
            canteen_name=str(get("CANTEEN_NAME", "机关职工餐厅")), timezone=str(get("TIMEZONE", "Asia/Shanghai")),
            timeout=float(get("TIMEOUT", 3)), retries=int(get("RETRIES", 2)),
            idle_seconds=float(get("IDLE_SECONDS", 4)),
            cashier_idle_minutes=float(get("CASHIER_IDLE_MINUTES", 5)),
            voice_amounts=_flag(get("VOICE_AMOUNTS", "0")), offline=OfflineSettings.from_mapping(mapping),
        )


def settings_from(config: Mapping[str, Any] | None) -> tuple[TerminalSettings, str]:
    """The settings and the session secret from the environment overlaid with `config`."""
    merged: dict[str, Any] = dict(os.environ)
    merged.update(config or {})
    secret = str(merged.get(PREFIX + "SECRET_KEY") or secrets.token_hex(32))
    return TerminalSettings.from_mapping(merged), secret
