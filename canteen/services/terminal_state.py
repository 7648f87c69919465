"""What a terminal reports of its offline state, for the admin's terminal page.

The terminal sends its blacklist version, when its snapshot was generated and its outbox's unsynced
count and last sequence on every heartbeat. The page shows them with their staleness: a version
behind the server's means the terminal still accepts a card that was reported lost.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from canteen.errors import DomainError
from canteen.models import Terminal

#: A snapshot older than this is shown as stale (terminals refresh it every minute while online).
SNAPSHOT_STALE = timedelta(minutes=10)
#: A terminal refuses to charge offline from a snapshot older than this (its default offline age limit).
SNAPSHOT_EXPIRED = timedelta(hours=24)
#: A terminal heard from within this long is online (terminals send a heartbeat every minute).
ONLINE_WITHIN = timedelta(minutes=5)


def is_online(terminal: Terminal, now: datetime) -> bool:
    """Whether the terminal was heard from within :data:`ONLINE_WITHIN`."""
    return bool(terminal.last_seen_dt and now - terminal.last_seen_dt < ONLINE_WITHIN)


def report_state(terminal: Terminal, *, blacklist_version: int, snapshot_at: str | None, outbox_pending: int,
                 outbox_last_seq: int, now: datetime) -> None:
    """Store the terminal's report; a snapshot time that is not ISO 8601 with an offset is refused."""
    snapshot_dt = None
    if snapshot_at:
        try:
            snapshot_dt = datetime.fromisoformat(snapshot_at)
        except ValueError:
            raise DomainError("invalid_input", f"snapshot_at {snapshot_at[:40]!r}") from None
        if snapshot_dt.tzinfo is None:
            raise DomainError("invalid_input", "snapshot_at needs a UTC offset")
    terminal.blacklist_version, terminal.snapshot_dt = blacklist_version, snapshot_dt
    terminal.outbox_pending, terminal.outbox_last_seq = outbox_pending, outbox_last_seq
    terminal.reported_dt = terminal.last_seen_dt = now


@dataclass
class Freshness:
    """How current a terminal's offline data is, for display: ``ok``, ``stale`` or ``expired`` / ``behind``."""

    snapshot_age: timedelta | None
    snapshot: str
    version: str


def freshness(terminal: Terminal, server_version: int, now: datetime) -> Freshness:
    """Judge a terminal's last report against the server's blacklist version and the clock."""
    age = now - terminal.snapshot_dt if terminal.snapshot_dt else None
    snapshot = ("unknown" if age is None else "expired" if age > SNAPSHOT_EXPIRED
                else "stale" if age > SNAPSHOT_STALE else "ok")
    version = ("unknown" if terminal.blacklist_version is None
               else "ok" if terminal.blacklist_version >= server_version else "behind")
    return Freshness(age, snapshot, version)
