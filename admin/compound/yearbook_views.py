"""The year-end work summary (年度工作总结) page: every section's paragraph with the figures the system
knows, the canteen figures from the canteen work summary (each linked to its report), the module
figures linked to their reports, and the .docx and .txt exports."""
from datetime import date

from flask import Response, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from admin.blueprint import bp
from admin.compound.roles import MODULE_KEYS
from admin.filters import parse_filters
from admin.formatting import error_text
from admin.security import READERS, requires
from admin.xlsx import download, export_name
from canteen.compound import yearbook, yearbook_render
from canteen.compound.common import local_today
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.reports import work_summary

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Paragraph heading prefix -> (module, report) whose page stands behind its figures.
SOURCES = {"（一）": ("rectification", "figures"), "（二）": ("offices", "summary"), "（三）": ("energy", "year"),
           "（四）": ("vehicles", "summary"), "（五）": ("waste", "compliance"), "（七）": ("property", "summary")}


def _year() -> int:
    raw = (request.args.get("year") or str(local_today().year)).strip()
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise DomainError("invalid_input", f"年度：{raw[:10]}")
    return int(raw)


def _canteen(year: int):
    """The canteen work summary's figures for the year (to today, for the year under way)."""
    end = min(date(year, 12, 31), max(local_today(), date(year, 1, 1)))
    filters = parse_filters(MultiDict({"start": f"{year}-01-01", "end": end.isoformat()}))
    return filters, work_summary(db.session, filters)


def _build(year: int):
    filters, summary = _canteen(year)
    book = yearbook.build(db.session, year, {f.key: f.value for f in summary["figures"]})
    return filters, summary, book


def _links(year: int, filters) -> dict:
    period = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    links = {}
    for prefix, (module, report) in SOURCES.items():
        args = {"year": year} if report in ("summary", "year") else (
            {"start": f"{year}-01-01", "end": f"{year}-12-31"} if report == "compliance" else {})
        links[prefix] = url_for("admin.compound_report", module=module, key=report, **args)
    links["（六）"] = url_for("admin.summary", **period)
    return links


@bp.get("/compound/yearbook")
@requires(*READERS)
def compound_yearbook():
    """The summary for the chosen year on screen; blanks the system cannot know are marked for the author."""
    try:
        year = _year()
        filters, summary, book = _build(year)
    except DomainError as exc:
        return render_template("admin/compound/yearbook.html", book=None, error=error_text(exc),
                               modules=MODULE_KEYS), exc.status
    period = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    canteen_links = {f.key: url_for("admin.report", key=f.report, **period) for f in summary["figures"]}
    return render_template("admin/compound/yearbook.html", book=book, year=year, summary=summary,
                           canteen_links=canteen_links, links=_links(year, filters),
                           document=Markup(yearbook_render.html(book)))


@bp.get("/compound/yearbook.docx")
@requires(*READERS)
def compound_yearbook_docx():
    """The summary as a Word document, with the appendix tables."""
    try:
        year = _year()
        _filters, _summary, book = _build(year)
    except DomainError as exc:
        return Response(error_text(exc), status=exc.status, mimetype="text/plain")
    return download(yearbook_render.docx_bytes(book), export_name(f"{year}年工作总结", suffix=".docx"), DOCX)


@bp.get("/compound/yearbook.txt")
@requires(*READERS)
def compound_yearbook_text():
    """The summary's paragraphs as plain text."""
    try:
        year = _year()
        _filters, _summary, book = _build(year)
    except DomainError as exc:
        return Response(error_text(exc), status=exc.status, mimetype="text/plain")
    lines = [book.title, ""]
    for paragraph in book.paragraphs:
        lines += [paragraph.heading, paragraph.text, ""]
    return Response("\n".join(lines), mimetype="text/plain; charset=utf-8")
