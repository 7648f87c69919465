"""The work summary (工作总结): the seed document's canteen paragraph with every figure filled in."""
from flask import Response, render_template, request, url_for

from admin.blueprint import bp
from admin.filters import parse_filters
from admin.formatting import error_text
from admin.security import READERS, requires
from admin.xlsx import MIME, lines_workbook
from canteen.errors import DomainError
from canteen.db_setup import reports_session
from canteen.figures import all_definitions
from canteen.reports import work_summary


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
                           period=period, args=request.args)


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
    lines += [(f"{f.label}（{f.unit}）", f.value if f.raw is None else f.raw / 100 if f.unit == "元" else f.raw)
              for f in result["figures"]]
    lines.append(("文字", result["text"]))
    body = lines_workbook("食堂工作总结数据", lines)
    return Response(body, mimetype=MIME, headers={
        "Content-Disposition": f"attachment; filename=summary_{filters.start}_{filters.end}.xlsx"})
