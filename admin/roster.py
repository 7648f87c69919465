"""Reading a roster (.xlsx) of people to register, all or nothing, with a row-by-row error report.

Hostile files are expected: not a spreadsheet, wrong columns, formulas, duplicate staff numbers,
unknown departments, far too many rows. Nothing is written unless every row is good.
"""
from dataclasses import dataclass, field

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import Department, DinerCategory, Person
from canteen.spreadsheets import SpreadsheetRefused, open_workbook, rows

COLUMNS = ("工号", "姓名", "部门", "人员类别", "电话")
REQUIRED = COLUMNS[:4]
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
#: How often (in rows) a background import reports its progress.
PROGRESS_EVERY = 100


class Problem:
    """What is wrong with a row (or the file): catalog ids and their values, so it reads in the page's language.

    ``str()`` is the text in the current request's language (Chinese outside a request).
    """

    def __init__(self, *parts: tuple[str, dict]):
        self.parts = [(msgid, dict(values)) for msgid, values in parts]

    def text(self, translate=None) -> str:
        """The problems joined, each through `translate(msgid, **values)` (plain Chinese by default)."""
        translate = translate or (lambda msgid, **values: msgid % values if values else msgid)
        return translate("；").join(translate(msgid, **values) for msgid, values in self.parts)

    def __str__(self) -> str:
        return self.text(gettext if has_request_context() else None)

    def __repr__(self) -> str:
        return repr(self.text())

    def as_json(self) -> list:
        """The parts, for a job row; :meth:`from_json` reads them back."""
        return [[msgid, values] for msgid, values in self.parts]

    @classmethod
    def from_json(cls, parts) -> "Problem":
        return cls(*((msgid, values) for msgid, values in parts))


def _problem(msgid: str, **values) -> Problem:
    return Problem((msgid, values))


def _refused(refused: SpreadsheetRefused) -> Problem:
    """The guarded reader's refusal (canteen.spreadsheets) as a problem of the whole file."""
    if refused.reason == "不是有效的 .xlsx 文件":
        return _problem("不是有效的 .xlsx 文件")
    return _problem("表格文件已拒绝：%(reason)s", reason=refused.reason)


@dataclass
class RosterRow:
    """One good row, resolved to its department and category."""

    line: int
    staff_no: str
    name: str
    department: Department
    category: DinerCategory
    phone: str | None


@dataclass
class Roster:
    """What a file held: the good rows, and every problem found (line 0: the file as a whole)."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, Problem]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row can be imported."""
        return not self.errors and bool(self.rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_roster(session: Session, data: bytes, progress=None) -> Roster:
    """Check every row of the first sheet against the database; resolve departments and categories.

    `progress(rows checked, rows in the sheet or None)` is called every :data:`PROGRESS_EVERY` rows.
    """
    roster = Roster()
    if len(data) > MAX_BYTES:
        roster.errors.append((0, _problem("文件过大（超过 %(mb)s MB）", mb=MAX_BYTES // 1024 // 1024)))
        return roster
    try:
        book = open_workbook(data, data_only=False)
    except SpreadsheetRefused as refused:
        roster.errors.append((0, _refused(refused)))
        return roster
    try:
        _read_sheet(session, book.worksheets[0] if book.worksheets else None, roster, progress)
    except SpreadsheetRefused as refused:
        roster.rows, roster.errors = [], [(0, _refused(refused))]
    finally:
        book.close()
    if not roster.rows and not roster.errors:
        roster.errors.append((0, _problem("文件中没有人员")))
    if roster.errors:
        roster.rows = []
    return roster


def _read_sheet(session: Session, sheet, roster: Roster, progress=None) -> None:
    if sheet is None:
        roster.errors.append((0, _problem("文件中没有工作表")))
        return
    total = sheet.max_row if isinstance(getattr(sheet, "max_row", None), int) else None
    departments, categories = {}, {}
    for d in session.scalars(select(Department).where(Department.active.is_(True))):
        departments[d.code], departments[d.name] = d, d
    for c in session.scalars(select(DinerCategory)):
        categories[c.code], categories[c.name] = c, c
    existing = set(session.scalars(select(Person.staff_no)))
    seen: dict[str, int] = {}
    header = None
    for line, cells in enumerate(rows(sheet, max_rows=MAX_ROWS + 2, max_columns=len(COLUMNS) + 16), 1):
        if line > MAX_ROWS + 1:
            roster.errors = [(0, _problem("行数超过上限 %(n)s，请分批导入", n=MAX_ROWS))]
            return
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(line, total)
        if any(getattr(c, "data_type", None) == "f" for c in cells):
            roster.errors.append((line, _problem("不允许公式，请粘贴为数值")))
            continue
        values = [_text(getattr(c, "value", None)) for c in cells]
        if header is None:
            header = {name: values.index(name) for name in COLUMNS if name in values}
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                roster.errors.append((1, _problem("缺少列：%(missing)s（第一行应为 %(columns)s）",
                                                  missing="、".join(missing), columns="、".join(COLUMNS))))
                return
            continue
        if not any(values):
            continue
        field_of = {name: (values[i] if i < len(values) else "") for name, i in header.items()}
        problems = []
        staff_no, name = field_of["工号"], field_of["姓名"]
        if not staff_no or len(staff_no) > 32:
            problems.append(("工号为空或过长", {}))
        elif staff_no in seen:
            problems.append(("工号与第 %(line)s 行重复", {"line": seen[staff_no]}))
        elif staff_no in existing:
            problems.append(("工号已存在", {}))
        if not name or len(name) > 50:
            problems.append(("姓名为空或过长", {}))
        department = departments.get(field_of["部门"])
        if department is None:
            problems.append(("部门不存在：%(name)s", {"name": field_of["部门"][:30]}))
        category = categories.get(field_of["人员类别"])
        if category is None:
            problems.append(("人员类别不存在：%(name)s", {"name": field_of["人员类别"][:30]}))
        phone = field_of.get("电话") or None
        if phone and len(phone) > 32:
            problems.append(("电话过长", {}))
        if staff_no:
            seen.setdefault(staff_no, line)
        if problems:
            roster.errors.append((line, Problem(*problems)))
        else:
            roster.rows.append(RosterRow(line, staff_no, name, department, category, phone))
