"""How a compound module describes itself to the back office: inputs, resources, actions, reports.

One description per module (``admin/compound/<module>.py``); the generic pages in
:mod:`admin.compound.views` list, create, edit, act on, import, export and report from it, so no
module repeats list/edit code. Parsing a form refuses bad input with a :class:`DomainError` before
any service runs.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Callable

from sqlalchemy import select

from canteen.compound.common import ZONE, parse_area
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.money import parse_yuan

_INT = re.compile(r"^-?\d{1,9}$")


@dataclass
class Input:
    """One form field. ``kind``: text, textarea, int, hundredths (12.34 -> 1234: m², readings, kg), yuan
    (-> fen), date, month (YYYY-MM), datetime (local), time, bool, choice (``choices`` code -> label) or
    ref (a row of ``model``, shown by ``show``)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    #: code -> label, or a function giving them when the form is shown.
    choices: dict | Callable | None = None
    model: type | None = None
    show: Callable | None = None
    where: Callable | None = None

    def options(self) -> list[tuple[str, str]]:
        """(value, label) pairs for a select."""
        if self.kind == "choice":
            return list(self.choice_map().items())
        if self.kind == "ref":
            query = select(self.model).order_by(self.model.id.desc()).limit(1000)
            if self.where is not None:
                query = query.where(self.where())
            return [(str(row.id), self.show(row)) for row in db.session.scalars(query)]
        return []

    def choice_map(self) -> dict:
        """The choices, computed now if they are a function."""
        return self.choices() if callable(self.choices) else (self.choices or {})

    def parse(self, raw):
        """The typed value of the submitted text; None when empty and optional."""
        if self.kind == "bool":
            return raw in ("1", "on", "true", "是")
        raw = (raw or "").strip()
        if not raw:
            if self.required:
                raise DomainError("invalid_input", f"{self.label}不能为空")
            return None
        if len(raw) > 4000:
            raise DomainError("invalid_input", f"{self.label}过长")
        try:
            return self._typed(raw)
        except (ValueError, TypeError):
            raise DomainError("invalid_input", f"{self.label}：{raw[:30]}") from None

    def _typed(self, raw: str):
        kind = self.kind
        if kind in ("text", "textarea"):
            return raw
        if kind == "int":
            if not _INT.match(raw):
                raise ValueError(raw)
            return int(raw)
        if kind == "hundredths":
            return parse_area(raw)
        if kind == "yuan":
            try:
                return parse_yuan(raw, allow_zero=True)
            except DomainError:
                raise ValueError(raw) from None
        if kind == "date":
            return date.fromisoformat(raw[:10])
        if kind == "month":
            return date.fromisoformat(raw[:7] + "-01")
        if kind == "datetime":
            return datetime.fromisoformat(raw[:16]).replace(tzinfo=ZONE)
        if kind == "time":
            return time.fromisoformat(raw[:5])
        if kind == "choice":
            if raw not in self.choice_map():
                raise ValueError(raw)
            return raw
        if kind == "ref":
            row = db.session.get(self.model, int(raw)) if raw.isdigit() and len(raw) < 12 else None
            if row is None:
                raise DomainError("not_found", f"{self.label}：{raw[:20]}")
            return row
        raise ValueError(kind)

    def shown(self, value) -> str:
        """A value as the form's field shows it (for re-displaying and editing)."""
        if value is None:
            return ""
        if self.kind == "hundredths" or self.kind == "yuan":
            return f"{value // 100}.{value % 100:02d}"
        if self.kind == "month":
            return value.strftime("%Y-%m")
        if self.kind == "datetime":
            return value.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")
        if self.kind == "time":
            return value.strftime("%H:%M")
        if self.kind == "ref":
            return str(getattr(value, "id", value))
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


def parse_form(inputs: list[Input], form) -> dict:
    """Every input parsed from a submitted form (or query); the first bad one is refused."""
    return {i.name: i.parse(form.get(i.name)) for i in inputs}


@dataclass
class Action:
    """Something done to one row (派工, 完成, 充值 ...) through one service call."""

    key: str
    label: str
    inputs: list[Input]
    run: Callable
    #: Offered only for rows it applies to.
    when: Callable = lambda row: True
    #: Moves money: the form carries a request key that makes a resubmission a replay.
    keyed: bool = False


@dataclass
class Resource:
    """A kind of row a module keeps: its list columns, how a row is created and edited, its actions."""

    key: str
    title: str
    model: type
    columns: list[tuple[str, Callable]]
    inputs: list[Input] = field(default_factory=list)
    create: Callable | None = None
    edit_inputs: list[Input] = field(default_factory=list)
    edit: Callable | None = None
    #: Field name -> the row's current value, to fill the edit form.
    current: Callable | None = None
    actions: list[Action] = field(default_factory=list)
    sheet: object = None
    order: Callable | None = None
    create_label: str = "新增"


@dataclass
class ReportSpec:
    """A module report: its parameters (from the query), the report, and an optional own export."""

    key: str
    title: str
    params: list[Input]
    run: Callable
    export: Callable | None = None
    defaults: Callable = lambda: {}


@dataclass
class Module:
    """One of the service center's modules as the back office shows it."""

    key: str
    title: str
    resources: dict[str, Resource]
    reports: dict[str, ReportSpec]


def by_key(*items) -> dict:
    """Resources or reports keyed by their key, in the order given."""
    return {item.key: item for item in items}
