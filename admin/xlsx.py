"""Excel exports (.xlsx, openpyxl) carrying exactly the figures the page shows."""
import io
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from canteen.reports import Report

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_value(value, kind: str):
    """Money as yuan (exact decimals), dates as dates, everything else as it is."""
    if value is None:
        return None
    if kind == "fen":
        return Decimal(int(value)) / 100
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _put(sheet, row: int, col: int, value):
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        # Text that looks like a formula stays text: an export never computes anything.
        cell.data_type = "s"
    return cell


def report_workbook(report: Report, caption: str) -> bytes:
    """One sheet: title, filters caption, header, rows, a totals row where the report has totals."""
    book = Workbook()
    sheet = book.active
    sheet.title = report.key[:31]
    _put(sheet, 1, 1, report.title).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, caption)
    for col, column in enumerate(report.columns, 1):
        label = column.label + ("（元）" if column.kind == "fen" else "")
        _put(sheet, 4, col, label).font = Font(bold=True)
    for offset, row in enumerate(report.rows):
        for col, column in enumerate(report.columns, 1):
            cell = _put(sheet, 5 + offset, col, cell_value(row.get(column.key), column.kind))
            if column.kind == "fen":
                cell.number_format = "#,##0.00"
            elif column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
    last = 5 + len(report.rows)
    if any(column.key in report.totals for column in report.columns[1:]):
        _put(sheet, last, 1, "合计").font = Font(bold=True)
        for col, column in enumerate(report.columns[1:], 2):
            if column.key in report.totals and column.kind in ("fen", "int"):
                cell = _put(sheet, last, col, cell_value(report.totals[column.key], column.kind))
                cell.font = Font(bold=True)
                if column.kind == "fen":
                    cell.number_format = "#,##0.00"
        last += 1
    for offset, note in enumerate(report.notes):
        _put(sheet, last + 1 + offset, 1, note)
    for col in range(1, len(report.columns) + 1):
        sheet.column_dimensions[sheet.cell(row=4, column=col).column_letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lines_workbook(title: str, lines: list[tuple[str, object]]) -> bytes:
    """A two-column sheet (label, value), e.g. the work summary's figures."""
    book = Workbook()
    sheet = book.active
    sheet.title = "summary"
    _put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    for offset, (label, value) in enumerate(lines, 3):
        _put(sheet, offset, 1, label)
        _put(sheet, offset, 2, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["MIME", "lines_workbook", "report_workbook"]
