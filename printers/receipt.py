"""The receipt model: plain, immutable data that layout, the queue and previews share.

A receipt holds values, never formatted amounts: money stays integer fen until layout formats it, and the
whole receipt round-trips through JSON so the print queue can re-render it later (for a 副本, a copy).
"""
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Field:
    """One row: a label and either an amount in fen, a text value, or a count with an amount (shift report)."""

    label: str
    #: money in fen (分); formatted only by layout
    amount: int | None = None
    #: a non-money value such as a card number or meal period
    value: str | None = None
    #: number of operations (笔) summed in ``amount``, for report rows
    count: int | None = None

    def __post_init__(self):
        if self.amount is not None and (isinstance(self.amount, bool) or not isinstance(self.amount, int)):
            raise TypeError(f"{self.label}: amount must be integer fen, got {self.amount!r}")
        if self.count is not None and (isinstance(self.count, bool) or not isinstance(self.count, int)):
            raise TypeError(f"{self.label}: count must be an integer, got {self.count!r}")


@dataclass(frozen=True)
class Section:
    """A titled block of rows, used by reports (e.g. 按业务 by operation, 按支付方式 by payment method)."""

    title: str
    rows: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Receipt:
    """Everything printed on one slip, in print order: header, lines, totals, balances, sections, footer."""

    #: stable code of the receipt kind, e.g. ``meal_charge``; the queue lists jobs by it
    kind: str
    #: printed large, e.g. 消费小票
    title: str
    canteen: str
    terminal: str
    time: datetime
    operator: str | None = None
    #: the journal entry number (流水号); printed, and the QR code's content when QR is on
    entry_no: str | None = None
    #: extra header rows printed as ``label：value`` (e.g. shift opening time)
    info: tuple[Field, ...] = ()
    lines: tuple[Field, ...] = ()
    totals: tuple[Field, ...] = ()
    balances: tuple[Field, ...] = ()
    sections: tuple[Section, ...] = ()
    footer: tuple[str, ...] = ()
    #: a reprint: printed with 副本 at the top and the reprint time at the bottom
    copy: bool = False
    reprinted_at: datetime | None = None
    reprinted_by: str | None = None

    def as_copy(self, reprinted_at: datetime, reprinted_by: str | None = None) -> "Receipt":
        """The same receipt marked 副本 (copy), for a cashier's reprint."""
        return replace(self, copy=True, reprinted_at=reprinted_at, reprinted_by=reprinted_by)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (datetimes as ISO 8601) that :meth:`from_dict` turns back into an equal receipt."""
        return {
            "kind": self.kind, "title": self.title, "canteen": self.canteen, "terminal": self.terminal,
            "time": self.time.isoformat(), "operator": self.operator, "entry_no": self.entry_no,
            "info": [_field_dict(row) for row in self.info],
            "lines": [_field_dict(row) for row in self.lines],
            "totals": [_field_dict(row) for row in self.totals],
            "balances": [_field_dict(row) for row in self.balances],
            "sections": [{"title": s.title, "rows": [_field_dict(row) for row in s.rows]} for s in self.sections],
            "footer": list(self.footer), "copy": self.copy,
            "reprinted_at": self.reprinted_at.isoformat() if self.reprinted_at else None,
            "reprinted_by": self.reprinted_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Receipt":
        """Rebuild a receipt from :meth:`to_dict` output."""
        return cls(
            kind=data["kind"], title=data["title"], canteen=data["canteen"], terminal=data["terminal"],
            time=datetime.fromisoformat(data["time"]), operator=data.get("operator"),
            entry_no=data.get("entry_no"),
            info=_fields(data.get("info")), lines=_fields(data.get("lines")),
            totals=_fields(data.get("totals")), balances=_fields(data.get("balances")),
            sections=tuple(Section(s["title"], _fields(s["rows"])) for s in data.get("sections") or ()),
            footer=tuple(data.get("footer") or ()), copy=bool(data.get("copy")),
            reprinted_at=datetime.fromisoformat(data["reprinted_at"]) if data.get("reprinted_at") else None,
            reprinted_by=data.get("reprinted_by"),
        )


def _field_dict(row: Field) -> dict[str, Any]:
    """A Field as a dict without its unset members."""
    data: dict[str, Any] = {"label": row.label}
    for name in ("amount", "value", "count"):
        if getattr(row, name) is not None:
            data[name] = getattr(row, name)
    return data


def _fields(rows) -> tuple[Field, ...]:
    """Fields from a list of dicts, or an empty tuple."""
    return tuple(Field(**row) for row in rows or ())
