"""Excel exports (.xlsx, openpyxl) carrying exactly the figures the page shows.

Every sheet: a Chinese name, the header row frozen with an auto-filter over the table, money as numbers in
yuan (``#,##0.00``), counts as whole numbers (``#,##0``), dates as dates and times of day as times.
"""
import io
import re
from datetime import date, datetime, time
from decimal import Decimal

from flask import send_file
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from canteen.reports import Report

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The one money and count format of every export.
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm:ss"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r"[\\/:*?\"<>|\s]+")


def sheet_title(text: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters."""
    return (_SHEET_FORBIDDEN.sub("", text) or "报表")[:31]


def export_name(title: str, start: date | None = None, end: date | None = None, suffix: str = ".xlsx") -> str:
    """``消费明细_2026-12-01_2026-12-07.xlsx``: the Chinese title of what is exported and its period. Every file
    the back office hands out is named by this (exports, import templates, the work summary's documents)."""
    parts = [_FILE_FORBIDDEN.sub("_", title).strip("_") or "报表"]
    if start is not None:
        parts.append(start.isoformat())
    if end is not None and end != start:
        parts.append(end.isoformat())
    return "_".join(parts) + suffix


def cell_value(value, kind: str):
    """Money as yuan (exact decimals), dates as dates, times as times, everything else as it is."""
    if value is None:
        return None
    if kind == "fen":
        return Decimal(int(value)) / 100
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def number_format(value, kind: str) -> str | None:
    """The one format for a cell of `kind` holding `value`."""
    if kind == "fen":
        return MONEY_FORMAT
    if kind == "int" or (isinstance(value, int) and not isinstance(value, bool)):
        return COUNT_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date) or kind == "date":
        return DATE_FORMAT
    if isinstance(value, time) or kind == "time":
        return TIME_FORMAT
    return None


def _put(sheet, row: int, col: int, value, kind: str = "text"):
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        # Text that looks like a formula stays text: an export never computes anything.
        cell.data_type = "s"
    elif value is not None:
        fmt = number_format(value, kind)
        if fmt:
            cell.number_format = fmt
    return cell


def _table(sheet, header_row: int, last_row: int, columns: int, widths: list[int]) -> None:
    """Freeze everything above the first data row and filter the table's columns."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(max(1, columns))}{max(header_row, last_row)}"
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def frame(sheet, header_row: int = 1) -> None:
    """Freeze the header row of a sheet another module filled and put a filter on its columns."""
    _table(sheet, header_row, sheet.max_row, sheet.max_column, [])


def download(body: bytes, filename: str, mimetype: str = MIME):
    """The file as an attachment; a Chinese `filename` is sent in RFC 5987 form (filename*=UTF-8'')."""
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=filename)


def _width(label: str, kind: str) -> int:
    return max(10, min(40, 2 * len(label) + 4, 40)) if kind == "text" else {"fen": 16, "date": 12, "time": 10}.get(
        kind, 12)


def report_workbook(report: Report, caption: str, sheet: str | None = None) -> bytes:
    """One sheet named `sheet` (the report's Chinese title): title, filters caption, header, rows, a totals row
    where the report has totals, notes."""
    book = Workbook()
    ws = book.active
    ws.title = sheet_title(sheet or report.title)
    _put(ws, 1, 1, report.title).font = Font(bold=True, size=14)
    _put(ws, 2, 1, caption)
    header = 4
    for col, column in enumerate(report.columns, 1):
        label = column.label + ("（元）" if column.kind == "fen" else "")
        _put(ws, header, col, label).font = Font(bold=True)
    for offset, row in enumerate(report.rows):
        for col, column in enumerate(report.columns, 1):
            _put(ws, header + 1 + offset, col, cell_value(row.get(column.key), column.kind), column.kind)
    last = header + len(report.rows)
    _table(ws, header, last, len(report.columns), [_width(c.label, c.kind) for c in report.columns])
    after = last + 1
    if any(column.key in report.totals for column in report.columns[1:]):
        _put(ws, after, 1, "合计").font = Font(bold=True)
        for col, column in enumerate(report.columns[1:], 2):
            if column.key in report.totals and column.kind in ("fen", "int"):
                _put(ws, after, col, cell_value(report.totals[column.key], column.kind), column.kind).font = Font(
                    bold=True)
        after += 1
    for offset, note in enumerate(report.notes):
        _put(ws, after + 1 + offset, 1, note)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lines_workbook(title: str, lines: list[tuple[str, object]], sheet: str = "数据") -> bytes:
    """A two-column sheet (项目, 数值), e.g. the work summary's figures."""
    book = Workbook()
    ws = book.active
    ws.title = sheet_title(sheet)
    _put(ws, 1, 1, title).font = Font(bold=True, size=14)
    header = 3
    _put(ws, header, 1, "项目").font = Font(bold=True)
    _put(ws, header, 2, "数值").font = Font(bold=True)
    for offset, (label, value) in enumerate(lines, header + 1):
        _put(ws, offset, 1, label)
        _put(ws, offset, 2, value)
    _table(ws, header, header + len(lines), 2, [36, 20])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["COUNT_FORMAT", "MIME", "MONEY_FORMAT", "cell_value", "download", "export_name", "frame", "lines_workbook",
           "report_workbook", "sheet_title"]
