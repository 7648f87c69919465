"""The work summary (工作总结): the seed document's canteen paragraph with every figure filled in."""
from flask import Response, render_template, request, url_for
from flask_babel import gettext

from admin.blueprint import bp
from admin.compound.registry import MODULES
from admin.filters import parse_filters
from admin.formatting import error_text
from admin.report_views import REPORTS
from admin.security import READERS, requires
from admin.xlsx import cell_value, download, export_name, lines_workbook
from canteen.errors import DomainError
from canteen.db_setup import reports_session
from canteen.figures import all_definitions
from canteen.money import count, yuan_sign
from canteen.reports import work_summary


def figure_text(figure) -> str:
    """A figure in the table as every page writes it: money ``￥10,700.00``, counts ``1,234 人次``."""
    if figure.raw is None:
        return figure.value
    if figure.unit == "元":
        return yuan_sign(figure.raw)
    number = count(figure.raw) if isinstance(figure.raw, int) else str(figure.raw)
    return f"{number} {gettext(figure.unit)}"


@bp.app_template_global()
def report_title(key: str) -> str:
    """The title, in the page's language, of the report a figure comes from (``headcount``, ``vehicles/fuel``)."""
    if "/" in key:
        module, name = key.split("/", 1)
        spec = MODULES[module].reports.get(name) if module in MODULES else None
    else:
        spec = REPORTS.get(key)
    return gettext(spec.title) if spec else key


def _summary():
    filters = parse_filters(request.args)
    return filters, work_summary(reports_session(), filters)


@bp.get("/summary")
@requires(*READERS)
def summary():
    """The paragraph for the chosen period, each figure linking to its report."""
    try:
        filters, result = _summary()
    except DomainError as exc:
        return render_template("admin/summary.html", result=None, error=error_text(exc), args=request.args), 400
    period = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    links = {f.key: url_for("admin.report", key=f.report, **period) for f in result["figures"]}
    defined = {f.key: url_for("admin.definitions", _anchor=f"def-{f.key}") for f in result["figures"]}
    figs = {f.key: f for f in result["figures"]}
    return render_template("admin/summary.html", result=result, figs=figs, links=links, defined=defined,
                           period=period, args=request.args, figure_text=figure_text)


@bp.get("/definitions")
@requires(*READERS)
def definitions():
    """统计口径: for every figure, what it counts, what it leaves out, which date it belongs to, and its source."""
    return render_template("admin/definitions.html", definitions=all_definitions())


@bp.get("/summary.txt")
@requires(*READERS)
def summary_text():
    """The paragraph as plain text."""
    try:
        _filters, result = _summary()
    except DomainError as exc:
        return Response(error_text(exc), status=400, mimetype="text/plain")
    return Response(result["text"] + "\n", mimetype="text/plain; charset=utf-8")


@bp.get("/summary.xlsx")
@requires(*READERS)
def summary_export():
    """The figures and the paragraph as an .xlsx file."""
    try:
        filters, result = _summary()
    except DomainError as exc:
        return Response(error_text(exc), status=400, mimetype="text/plain")
    lines = [("期间", f"{filters.start} 至 {filters.end}")]
    lines += [(f"{f.label}（{f.unit}）", f.value if f.raw is None else cell_value(f.raw, "fen") if f.unit == "元"
               else f.raw) for f in result["figures"]]
    lines.append(("文字", result["text"]))
    return download(lines_workbook("食堂工作总结数据", lines), export_name("食堂工作总结", filters.start, filters.end))
