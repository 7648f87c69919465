"""Report pages: the filters that apply, quick ranges, a table (paged and sorted for detail listings), a chart,
a print layout and an .xlsx export with the same figures."""
import io
from dataclasses import dataclass, field, replace
from datetime import timedelta

from flask import abort, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from admin.blueprint import bp
from admin.filters import parse_filters, today
from admin.formatting import error_text
from admin.security import READERS, requires
from admin.xlsx import MIME, export_name, report_workbook
from canteen import reports
from canteen.db_setup import reports_session
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, DinerCategory, MealPeriod, Terminal
from canteen.reports.bookings import booking_report
from canteen.reports.detail import LISTINGS, PAGE_SIZES, SORTABLE_DAYS, SORTS, Listing, Paging, sortable
from canteen.reports.money_in import GROUPS

#: Rows of a summary report on one page (longer ones are paged on the screen; the export has them all).
SUMMARY_ROWS = 200
#: The most rows an export may carry.
EXPORT_ROWS = 200_000

#: Filter name -> label, in the order the form shows them.
DIMENSIONS = {"department": "部门", "category": "人员类别", "terminal": "终端", "meal_period": "餐次"}
ALL = tuple(DIMENSIONS)
PEOPLE = ("department", "category")


@dataclass
class Spec:
    """A report as the back office offers it: `filters` are the dimensions it honours; `dates` is ``range``
    (a period) or ``asof`` (one day: the end of the period)."""

    title: str
    run: object
    filters: tuple = ()
    groups: dict = field(default_factory=dict)
    detail: bool = False
    needs_person: bool = False
    dates: str = "range"


REPORTS = {
    "headcount": Spec("就餐人次与人数", reports.headcount, ALL),
    "consumption": Spec("消费汇总", reports.consumption_summary, ALL, groups=reports.DIMENSIONS),
    "consumption_detail": Spec("消费明细", reports.consumption_detail, ALL, detail=True),
    "topups": Spec("充值汇总", reports.topup_summary, PEOPLE + ("terminal",), groups=GROUPS),
    "topup_detail": Spec("充值明细", reports.topup_detail, PEOPLE + ("terminal",), detail=True),
    "refunds": Spec("退款汇总", reports.refund_report, ALL),
    "balances": Spec("账户余额表", reports.balance_report, PEOPLE, dates="asof"),
    "cards": Spec("卡片报表", reports.card_report, PEOPLE),
    "terminal_daily": Spec("终端日结", reports.terminal_daily, ALL),
    "shifts": Spec("交班结算", reports.shift_settlement, ("terminal",)),
    "funds": Spec("系统资金汇总", reports.funds_summary, PEOPLE),
    "statement": Spec("个人对账单", reports.statement, needs_person=True),
    "bookings": Spec("报餐统计", booking_report, PEOPLE + ("meal_period",)),
}


def _only_applicable(spec: Spec, args):
    """The request's arguments without the dimensions `spec` does not honour (a bookmark from another report)."""
    kept = args.copy()
    for name in DIMENSIONS:
        if name not in spec.filters:
            kept.poplist(name)
    return kept


def paging(args) -> Paging:
    """Page, size and order of a detail listing from the query; anything odd falls back to the default."""
    number = args.get("page", "1")
    number = int(number) if number.isdigit() and 0 < len(number) < 7 else 1
    size = args.get("size", "")
    size = int(size) if size.isdigit() and int(size) in PAGE_SIZES else PAGE_SIZES[0]
    sort = args.get("sort", "time")
    return Paging(number=number, size=size, sort=sort if sort in SORTS else "time", descending=args.get("desc") == "1")


def run_report(key: str, args, *, page: Paging | None = None):
    """(filters, report, listing) for the request's filters; DomainError on bad input. Detail reports come a page
    at a time as a listing (`page`, or every row up to the export's limit)."""
    spec = REPORTS[key]
    filters = parse_filters(_only_applicable(spec, args))
    if spec.needs_person and filters.person_id is None:
        raise DomainError("invalid_input", "请填写工号")
    if spec.detail:
        page = page or Paging(number=1, size=EXPORT_ROWS + 1)
        narrowed = page.sort != "time" and page.size <= PAGE_SIZES[-1] and not sortable(filters)
        if narrowed:
            page = replace(page, sort="time", descending=False)
        listing = LISTINGS[key](reports_session(), filters, page)
        if narrowed:
            listing.report.notes.append(f"按金额或工号排序限 {SORTABLE_DAYS} 天以内的期间；已按时间排序。")
        return filters, listing.report, listing
    kwargs = {}
    if spec.groups:
        by = args.get("by") or next(iter(spec.groups))
        if by not in spec.groups:
            raise DomainError("invalid_input", f"分组方式无效：{by[:20]}")
        kwargs["by"] = by
    return filters, spec.run(reports_session(), filters, **kwargs), None


def caption(spec: Spec, filters) -> str:
    """The filters in words, for the page and the export's second line."""
    text = f"截至：{filters.end}" if spec.dates == "asof" else f"期间：{filters.start} 至 {filters.end}"
    for ids, model, label in ((filters.department_ids, Department, "部门"),
                              (filters.category_ids, DinerCategory, "人员类别"),
                              (filters.terminal_ids, Terminal, "终端"), (filters.meal_period_ids, MealPeriod, "餐次")):
        if ids:
            column = model.code if model is Terminal else model.name
            chosen = db.session.scalars(select(column).where(model.id.in_(ids)))
            text += f"；{label}：{'、'.join(chosen)}"
    return text


def choices(spec: Spec) -> dict:
    """Options for the dimensions `spec` honours: name -> [(id, text)]."""
    queries = {
        "department": select(Department.id, Department.name).order_by(Department.code),
        "category": select(DinerCategory.id, DinerCategory.name).order_by(DinerCategory.id),
        "terminal": select(Terminal.id, Terminal.code).order_by(Terminal.code),
        "meal_period": select(MealPeriod.id, MealPeriod.name).order_by(MealPeriod.start_time),
    }
    return {name: db.session.execute(queries[name]).all() for name in spec.filters}


QUICK_LABELS = ("今天", "本周", "本月", "本年")


def quick_ranges() -> list[tuple[str, object, object]]:
    """(label, start, end) for 今天, 本周, 本月, 本年 (each up to today)."""
    now = today()
    starts = (now, now - timedelta(days=now.weekday()), now.replace(day=1), now.replace(month=1, day=1))
    return [(label, start, now) for label, start in zip(QUICK_LABELS, starts)]


def request_args() -> MultiDict:
    """The query's arguments, a quick range (``range=1..4``) turned into its start and end dates."""
    args = MultiDict(request.args)
    chosen = args.pop("range", "")
    if chosen.isdigit() and 1 <= int(chosen) <= len(QUICK_LABELS):
        _label, start, end = quick_ranges()[int(chosen) - 1]
        args["start"], args["end"] = start.isoformat(), end.isoformat()
    return args


def _linker(key: str, args: MultiDict):
    """here(**changes): this report's URL with the same arguments but `changes` (``_export`` for the .xlsx)."""
    def here(_export: bool = False, **changes):
        values = {k: v for k, v in args.lists()}
        values.update({k: str(v) for k, v in changes.items()})
        return url_for("admin.report_export" if _export else "admin.report", key=key, **values)
    return here


def _chart(spec: Spec, report) -> dict | None:
    """What the report's chart draws (its first 60 rows), or None."""
    if not report.chart or not report.rows or spec.detail:
        return None
    label, value = report.chart
    return {"labels": [str(r.get(label, "")) for r in report.rows[:60]],
            "values": [r.get(value) or 0 for r in report.rows[:60]],
            "name": next((c.label for c in report.columns if c.key == value), value),
            "money": any(c.key == value and c.kind == "fen" for c in report.columns)}


def _page(key: str, spec: Spec, *, report=None, listing=None, filters=None, error=None, prompt=None, status=200,
          chart=None):
    args = request_args()
    period = filters or parse_filters_or_default(args)
    if listing is not None:
        report = listing.report
    return render_template("admin/report.html", key=key, spec=spec, report=report, listing=listing, chart=chart,
                           error=error, prompt=prompt, period=period, dimensions=DIMENSIONS,
                           caption=caption(spec, filters) if filters and report is not None else None,
                           args=args, here=_linker(key, args), sortable=filters is None or sortable(filters), options=choices(spec), quick=quick_ranges(),
                           sorts=SORTS, sizes=PAGE_SIZES), status


def parse_filters_or_default(args: MultiDict):
    """The period the form shows when the request's own filters could not be read: its dates, or the default."""
    try:
        return parse_filters(MultiDict({k: v for k, v in args.items() if k in ("start", "end")}))
    except DomainError:
        return parse_filters(MultiDict())


@bp.get("/reports/")
@requires(*READERS)
def report_list():
    """Every report."""
    return render_template("admin/reports.html", reports=REPORTS)


@bp.get("/reports/<key>")
@requires(*READERS)
def report(key: str):
    """One report on the page; a report that needs something first (a person) asks for it."""
    if key not in REPORTS:
        abort(404)
    spec = REPORTS[key]
    args = request_args()
    if spec.needs_person and not (args.get("person") or "").strip():
        return _page(key, spec, prompt="请输入工号后点击“查询”。")
    try:
        filters, result, listing = run_report(key, args, page=paging(args) if spec.detail else None)
    except DomainError as exc:
        return _page(key, spec, error=error_text(exc), status=400)
    chart = _chart(spec, result)
    if listing is None and len(result.rows) > SUMMARY_ROWS:
        listing = _rows_page(result, paging(args))
    return _page(key, spec, report=result, listing=listing, filters=filters, chart=chart)


def _rows_page(result, page: Paging) -> Listing:
    """A long summary (a year of days per terminal, every person's balance) a page at a time on the screen;
    its chart and totals still cover every row, and the export carries them all."""
    size = page.size if page.size > PAGE_SIZES[0] else SUMMARY_ROWS
    number = min(page.number, max(1, -(-len(result.rows) // size)))
    page = Paging(number=number, size=size)
    shown = replace(result, rows=result.rows[page.offset:page.offset + size])
    return Listing(shown, page, len(result.rows))


@bp.get("/reports/<key>/export.xlsx")
@requires(*READERS)
def report_export(key: str):
    """The report as an .xlsx file with the page's figures (every row, in the page's order, for detail reports)."""
    if key not in REPORTS:
        abort(404)
    spec = REPORTS[key]
    try:
        args = request_args()
        order = paging(args)
        wide = Paging(number=1, size=EXPORT_ROWS + 1, sort=order.sort, descending=order.descending)
        filters, result, listing = run_report(key, args, page=wide if spec.detail else None)
        if listing is not None and listing.total > EXPORT_ROWS:
            raise DomainError("invalid_input", f"超过 {EXPORT_ROWS} 行，请缩小查询期间")
    except DomainError as exc:
        return _page(key, spec, error=error_text(exc), status=400)
    body = report_workbook(result, caption(spec, filters), sheet=spec.title)
    return send_file(io.BytesIO(body), mimetype=MIME, as_attachment=True,
                     download_name=export_name(spec.title, filters.start, filters.end))
