"""The offline outbox: every offline charge, durable (SQLite, synchronous=FULL) before the diner sees success.

Items carry their own gapless sequence (the server's idempotency key for them) and a seal. They stay in the file
after sync, marked with what the server did, so the terminal can always show what it charged; a damaged file is
refused, never silently replaced.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from pos.offline.seal import seal_item

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS item (
    seq INTEGER PRIMARY KEY, uid TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0),
    tapped_at TEXT NOT NULL, day TEXT NOT NULL, online_key TEXT, mac TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', entry_id INTEGER, code TEXT);
CREATE INDEX IF NOT EXISTS item_status ON item (status, seq);
CREATE INDEX IF NOT EXISTS item_uid_day ON item (uid, day);
"""
#: Server answers that settle an item for good.
SETTLED = {"booked", "duplicate", "unbooked", "replayed"}


class OutboxDamaged(Exception):
    """The outbox file cannot be trusted (corrupt, or another terminal's); offline charging stops."""


@dataclass(frozen=True)
class Stats:
    """What the page and the limits need to know."""

    pending: int
    oldest_pending: str | None
    last_seq: int


class Outbox:
    """The SQLite outbox of one terminal."""

    def __init__(self, path: str | Path, terminal_code: str, terminal_key: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.terminal_code, self._key = terminal_code, terminal_key
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise OutboxDamaged(f"outbox {self.path} fails its integrity check")
            self._db.executescript(_SCHEMA)
            owner = self._db.execute("SELECT value FROM meta WHERE key = 'terminal'").fetchone()
            if owner is None:
                self._db.execute("INSERT INTO meta VALUES ('terminal', ?), ('last_seq', '0')", (terminal_code,))
            elif owner[0] != terminal_code:
                raise OutboxDamaged(f"outbox {self.path} belongs to terminal {owner[0]}, not {terminal_code}")
        except sqlite3.DatabaseError as exc:
            raise OutboxDamaged(f"outbox {self.path} is damaged: {exc}") from exc

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def add(self, uid: str, amount: int, tapped_at: str, day: str, online_key: str | None = None) -> dict:
        """Append one sealed charge and make it durable; returns the item as it will be sent."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = int(self._db.execute("SELECT value FROM meta WHERE key = 'last_seq'").fetchone()[0]) + 1
                item = {"seq": seq, "uid": uid, "amount": amount, "tapped_at": tapped_at, "online_key": online_key}
                item["mac"] = seal_item(self._key, self.terminal_code, item)
                self._db.execute("INSERT INTO item (seq, uid, amount, tapped_at, day, online_key, mac) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (seq, uid, amount, tapped_at, day, online_key, item["mac"]))
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'last_seq'", (str(seq),))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return item

    def pending(self, limit: int) -> list[dict]:
        """The oldest unsynced items, in sequence order."""
        with self._lock:
            rows = self._db.execute("SELECT seq, uid, amount, tapped_at, online_key, mac FROM item "
                                    "WHERE status = 'pending' ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [{"seq": s, "uid": u, "amount": a, "tapped_at": t, "online_key": k, "mac": m}
                for s, u, a, t, k, m in rows]

    def settle(self, results: list[dict]) -> int:
        """Record the server's answers; returns how many items are now settled."""
        done = [(r["status"], r.get("entry_id"), r.get("code"), r["seq"]) for r in results if r["status"] in SETTLED]
        if done:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("UPDATE item SET status = ?, entry_id = ?, code = ? WHERE seq = ?", done)
                self._db.execute("COMMIT")
        return len(done)

    def spent(self, uid: str, day: str | None = None, after_seq: int = 0) -> int:
        """Fen charged offline to a card (on `day`, or after sequence `after_seq`)."""
        query, args = "SELECT COALESCE(SUM(amount), 0) FROM item WHERE uid = ? AND seq > ?", [uid, after_seq]
        if day is not None:
            query, args = query + " AND day = ?", args + [day]
        with self._lock:
            return int(self._db.execute(query, args).fetchone()[0])

    def taps(self, uid: str, day: str, after_seq: int = 0) -> list[tuple[str, int]]:
        """(tapped at, fen) of a card's charges on `day` after sequence `after_seq`, in order."""
        with self._lock:
            return self._db.execute("SELECT tapped_at, amount FROM item WHERE uid = ? AND day = ? AND seq > ? "
                                    "ORDER BY seq", (uid, day, after_seq)).fetchall()

    def settled_through(self) -> int:
        """The highest sequence below which every item is settled."""
        with self._lock:
            first = self._db.execute("SELECT MIN(seq) FROM item WHERE status = 'pending'").fetchone()[0]
            last = int(self._db.execute("SELECT value FROM meta WHERE key = 'last_seq'").fetchone()[0])
        return (first - 1) if first is not None else last

    def stats(self) -> Stats:
        """Pending count, oldest pending tap time, last sequence."""
        with self._lock:
            count, oldest = self._db.execute(
                "SELECT COUNT(*), MIN(tapped_at) FROM item WHERE status = 'pending'").fetchone()
            last = int(self._db.execute("SELECT value FROM meta WHERE key = 'last_seq'").fetchone()[0])
        return Stats(count, oldest, last)

    def all_items(self) -> list[dict]:
        """Every item (for tests and the operator's view)."""
        with self._lock:
            rows = self._db.execute("SELECT seq, uid, amount, status, entry_id, code FROM item ORDER BY seq").fetchall()
        return [dict(zip(("seq", "uid", "amount", "status", "entry_id", "code"), r)) for r in rows]
