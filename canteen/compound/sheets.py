"""The .xlsx templates every compound module imports and exports (openpyxl).

A :class:`Sheet` names its columns and two functions: ``rows`` (what the export writes) and ``add``
(one imported row through the module's services). An import reads and checks every row first, then
adds them all inside one savepoint: one bad row and nothing is written.
"""
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from canteen.compound.common import area, parse_area
from canteen.errors import DomainError
from canteen.spreadsheets import MAX_COLUMNS, SpreadsheetRefused, read_rows

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20000


@dataclass
class Field:
    """One column: ``kind`` is text, int, area (m²), centi (a reading), fen (yuan), date or bool (是/否);
    area, centi and fen are written with two decimals and stored as whole hundredths."""

    key: str
    label: str
    kind: str = "text"
    required: bool = True


@dataclass
class Sheet:
    """A module's template: its title, columns, what an export writes and how an imported row is added."""

    key: str
    title: str
    fields: list[Field]
    rows: Callable[[Session], list[dict]]
    add: Callable[[Session, dict], object]


def _out(value, kind: str):
    if value is None:
        return None
    if kind in ("area", "centi"):
        return area(value)
    if kind == "fen":
        return f"{value // 100}.{value % 100:02d}"
    if kind == "bool":
        return "是" if value else "否"
    if kind == "date":
        return value.isoformat()  # as text, the way a clerk types it and the import reads it
    return value


def _in(value, field: Field, row: int):
    if value is None or (isinstance(value, str) and not value.strip()):
        if field.required:
            raise DomainError("import_invalid", f"第{row}行 {field.label} 不能为空")
        return None
    try:
        if field.kind in ("area", "centi", "fen"):
            return parse_area(value)  # m², readings, yuan: all read to whole hundredths
        if field.kind == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value.strip())
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(value)
            return value
        if field.kind == "date":
            if isinstance(value, datetime):
                return value.date()
            return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        if field.kind == "bool":
            if str(value).strip() not in ("是", "否"):
                raise ValueError(value)
            return str(value).strip() == "是"
        return str(value).strip()
    except (ValueError, DomainError):
        raise DomainError("import_invalid", f"第{row}行 {field.label}: {value}") from None


def workbook(sheet: Sheet, rows: list[dict] | None = None) -> bytes:
    """The template (header only) or an export (header and rows), as .xlsx bytes."""
    book = Workbook()
    page = book.active
    page.title = sheet.title[:31]
    for col, field in enumerate(sheet.fields, 1):
        page.cell(row=1, column=col, value=field.label).font = Font(bold=True)
    for number, row in enumerate(rows or [], 2):
        for col, field in enumerate(sheet.fields, 1):
            cell = page.cell(row=number, column=col, value=_out(row.get(field.key), field.kind))
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(session: Session, sheet: Sheet) -> bytes:
    """Everything the module holds, in its template's layout."""
    return workbook(sheet, sheet.rows(session))


def read(sheet: Sheet, data: bytes) -> list[dict]:
    """The rows of a filled-in template, every one checked; any fault refuses the whole file."""
    try:  # the guarded reader: archive checked first, rows streamed and cut at the limit
        lines = read_rows(data, max_rows=MAX_ROWS + 2, max_columns=max(len(sheet.fields) + 16, MAX_COLUMNS))
    except SpreadsheetRefused as refused:
        raise DomainError("import_invalid", refused.reason) from None
    header = [str(v).strip() if v is not None else "" for v in (lines[0] if lines else ())]
    if header[:len(sheet.fields)] != [f.label for f in sheet.fields]:
        raise DomainError("import_invalid", "表头与模板不符：" + "、".join(f.label for f in sheet.fields))
    if len(lines) > MAX_ROWS + 1:
        raise DomainError("import_invalid", f"最多 {MAX_ROWS} 行")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        values = list(line) + [None] * len(sheet.fields)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = {f.key: _in(values[i], f, number) for i, f in enumerate(sheet.fields)}
        row["_row"] = number
        rows.append(row)
    return rows


def import_rows(session: Session, sheet: Sheet, data: bytes) -> int:
    """Add every row of the file through the module's services, all or nothing; the count added."""
    rows = read(sheet, data)
    savepoint = session.begin_nested()
    try:
        for row in rows:
            number = row.pop("_row")
            try:
                sheet.add(session, row)
            except DomainError as exc:
                raise DomainError("import_invalid", f"第{number}行：{exc.message()}") from exc
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return len(rows)


def report_workbook(report) -> bytes:
    """A module report as one sheet: title, header, rows, totals line, notes (money as yuan, areas as m²)."""
    book = Workbook()
    page = book.active
    page.title = report.title[:31].replace("/", "-")
    page.cell(row=1, column=1, value=report.title).font = Font(bold=True, size=14)
    for col, column in enumerate(report.columns, 1):
        page.cell(row=2, column=col, value=column.label).font = Font(bold=True)
    for number, row in enumerate(report.rows, 3):
        for col, column in enumerate(report.columns, 1):
            cell = page.cell(row=number, column=col, value=_out(row.get(column.key), column.kind))
            if isinstance(cell.value, str):
                cell.data_type = "s"
    after = len(report.rows) + 3
    page.freeze_panes = "A3"
    page.auto_filter.ref = f"A2:{get_column_letter(max(1, len(report.columns)))}{after - 1}"
    for offset, note in enumerate(report.notes):
        page.cell(row=after + offset, column=1, value=note).data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
