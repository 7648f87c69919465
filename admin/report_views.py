"""Report pages: filters, table, chart and an .xlsx export with the same figures."""
from dataclasses import dataclass, field

from flask import Response, abort, render_template, request
from sqlalchemy import select

from admin.blueprint import bp
from admin.filters import parse_filters
from admin.formatting import error_text
from admin.security import READERS, requires
from admin.xlsx import MIME, report_workbook
from canteen import reports
from canteen.db_setup import reports_session
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, DinerCategory, MealPeriod, Terminal
from canteen.reports.bookings import booking_report
from canteen.reports.money_in import GROUPS

#: Rows a detail report shows on the page, and the most an export may carry.
PAGE_ROWS = 1000
EXPORT_ROWS = 200_000


@dataclass
class Spec:
    """A report as the back office offers it."""

    title: str
    run: object
    groups: dict = field(default_factory=dict)
    detail: bool = False
    needs_person: bool = False


REPORTS = {
    "headcount": Spec("就餐人次与人数", reports.headcount),
    "consumption": Spec("消费汇总", reports.consumption_summary, groups=reports.DIMENSIONS),
    "consumption_detail": Spec("消费明细", reports.consumption_detail, detail=True),
    "topups": Spec("充值汇总", reports.topup_summary, groups=GROUPS),
    "topup_detail": Spec("充值明细", reports.topup_detail, detail=True),
    "refunds": Spec("退款汇总", reports.refund_report),
    "balances": Spec("账户余额表", reports.balance_report),
    "cards": Spec("卡片报表", reports.card_report),
    "terminal_daily": Spec("终端日结", reports.terminal_daily),
    "shifts": Spec("交班结算", reports.shift_settlement),
    "funds": Spec("系统资金汇总", reports.funds_summary),
    "statement": Spec("个人对账单", reports.statement, needs_person=True),
    "bookings": Spec("报餐统计", booking_report),
}


def run_report(key: str, args, limit: int | None):
    """The report `key` for the request's filters; DomainError on bad input."""
    spec = REPORTS[key]
    filters = parse_filters(args)
    if spec.needs_person and filters.person_id is None:
        raise DomainError("invalid_input", "请填写工号")
    kwargs = {}
    if spec.groups:
        by = args.get("by") or next(iter(spec.groups))
        if by not in spec.groups:
            raise DomainError("invalid_input", f"分组方式无效：{by[:20]}")
        kwargs["by"] = by
    if spec.detail:
        kwargs["limit"] = limit
    return filters, spec.run(reports_session(), filters, **kwargs)


def caption(filters) -> str:
    """The filters in words, for the export's second line."""
    text = f"期间：{filters.start} 至 {filters.end}"
    for ids, model, label in ((filters.department_ids, Department, "部门"),
                              (filters.category_ids, DinerCategory, "类别"),
                              (filters.terminal_ids, Terminal, "终端"), (filters.meal_period_ids, MealPeriod, "餐次")):
        if ids:
            chosen = db.session.scalars(select(getattr(model, "name")).where(model.id.in_(ids)))
            text += f"；{label}：{'、'.join(chosen)}"
    return text


def choices() -> dict:
    """Options for the filter form."""
    return {
        "departments": db.session.execute(select(Department.id, Department.name).order_by(Department.code)).all(),
        "categories": db.session.execute(select(DinerCategory.id, DinerCategory.name).order_by(DinerCategory.id)).all(),
        "terminals": db.session.execute(select(Terminal.id, Terminal.code).order_by(Terminal.code)).all(),
        "meal_periods": db.session.execute(
            select(MealPeriod.id, MealPeriod.name).order_by(MealPeriod.start_time)).all(),
    }


@bp.get("/reports/")
@requires(*READERS)
def report_list():
    """Every report."""
    return render_template("admin/reports.html", reports=REPORTS)


@bp.get("/reports/<key>")
@requires(*READERS)
def report(key: str):
    """One report on the page."""
    if key not in REPORTS:
        abort(404)
    spec = REPORTS[key]
    try:
        filters, result = run_report(key, request.args, PAGE_ROWS)
    except DomainError as exc:
        return render_template("admin/report.html", key=key, spec=spec, report=None, error=error_text(exc),
                               args=request.args, **choices()), 400
    chart = None
    if result.chart and result.rows:
        label, value = result.chart
        chart = {"labels": [str(r.get(label, "")) for r in result.rows[:60]],
                 "values": [r.get(value) or 0 for r in result.rows[:60]],
                 "money": any(c.key == value and c.kind == "fen" for c in result.columns)}
    return render_template("admin/report.html", key=key, spec=spec, report=result, chart=chart,
                           caption=caption(filters), args=request.args, **choices())


@bp.get("/reports/<key>/export.xlsx")
@requires(*READERS)
def report_export(key: str):
    """The report as an .xlsx file with the page's figures (all rows for detail reports)."""
    if key not in REPORTS:
        abort(404)
    try:
        filters, result = run_report(key, request.args, EXPORT_ROWS + 1)
        if len(result.rows) > EXPORT_ROWS:
            raise DomainError("invalid_input", f"超过 {EXPORT_ROWS} 行，请缩小查询期间")
    except DomainError as exc:
        return render_template("admin/report.html", key=key, spec=REPORTS[key], report=None, error=error_text(exc),
                               args=request.args, **choices()), 400
    name = f"{key}_{filters.start}_{filters.end}.xlsx"
    return Response(report_workbook(result, caption(filters)), mimetype=MIME,
                    headers={"Content-Disposition": f"attachment; filename={name}"})
