"""The generic pages every compound module shares: list, create, edit, row actions, import, export, reports.

A view parses the form, calls one service through :func:`attempt` (which commits and audits the
outcome), and renders. A refusal re-renders the page with the message and the error's 4xx status;
nothing is written.
"""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from admin import audit
from admin.actions import new_request_key
from admin.blueprint import bp
from admin.compound.registry import MODULES
from admin.compound.roles import can, module_access
from admin.compound.spec import parse_form
from admin.formatting import error_text
from admin.security import READERS, remote_addr, requires
from admin.xlsx import download, export_name
from canteen.compound import sheets
from canteen.errors import DomainError
from canteen.extensions import db

PAGE = 200
MAX_UPLOAD = 5 * 1024 * 1024


def attempt(action: str, target: str, fn):
    """Run `fn` (one service call) and commit; audit either way. Returns (result, None) or (None, error)."""
    try:
        result = fn()
        db.session.flush()
    except DomainError as exc:
        db.session.rollback()
        _audit(action, target, "failed", f"{exc.code}: {exc.detail or ''}")
        return None, exc
    except IntegrityError:
        db.session.rollback()
        _audit(action, target, "failed", "conflicting record")
        return None, DomainError("conflict")
    _audit(action, target, "ok", None)
    return result, None


def _audit(action, target, result, detail) -> None:
    audit.record(db.session, action=action[:64], result=result, operator=current_user.operator,
                 remote_addr=remote_addr(), target=target[:100], detail=detail)
    db.session.commit()


def _module(module: str):
    return MODULES.get(module) or abort(404)


def _resource(module: str, resource: str):
    found = _module(module).resources.get(resource)
    return found or abort(404)


def _row(res, row_id: int):
    return db.session.get(res.model, row_id) or abort(404)


@bp.context_processor
def _compound_helpers():
    return {"compound_can": lambda module, write=False: can(getattr(current_user, "role", None), module, write)}


@bp.get("/compound/")
@requires(*READERS)
def compound_index():
    """Every module, its lists and reports, and the year-end summary."""
    return render_template("admin/compound/index.html", modules=MODULES)


def _list_page(module, resource, status=200, error=None, form=None):
    mod, res = _module(module), _resource(module, resource)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    query = select(res.model).order_by(*(res.order() if res.order else [res.model.id.desc()]))
    rows = list(db.session.scalars(query.limit(PAGE).offset((page - 1) * PAGE)))
    total = db.session.scalar(select(func.count()).select_from(res.model))
    return render_template("admin/compound/list.html", mod=mod, res=res, rows=rows, total=total, page=page,
                           per_page=PAGE, error=error, form=form or {}, request_key=new_request_key()), status


@bp.get("/compound/<module>/<resource>")
@module_access(write=False)
def compound_list(module: str, resource: str):
    """The rows of one kind, newest first, with their actions."""
    return _list_page(module, resource)


@bp.route("/compound/<module>/<resource>/new", methods=["GET", "POST"])
@module_access(write=True)
def compound_new(module: str, resource: str):
    """Create one row through the module's service."""
    mod, res = _module(module), _resource(module, resource)
    if res.create is None:
        abort(404)
    if request.method == "GET":
        return render_template("admin/compound/form.html", mod=mod, res=res, inputs=res.inputs, row=None, values={})
    values = request.form.to_dict()
    row, error = attempt(f"compound.{module}.{resource}.create", f"{module}/{resource}",
                         lambda: res.create(db.session, parse_form(res.inputs, request.form)))
    if error:
        return render_template("admin/compound/form.html", mod=mod, res=res, inputs=res.inputs, row=None,
                               values=values, error=error_text(error)), error.status
    flash("已保存")
    return redirect(url_for("admin.compound_list", module=module, resource=resource))


@bp.route("/compound/<module>/<resource>/<int:row_id>", methods=["GET", "POST"])
@module_access(write=True)
def compound_edit(module: str, resource: str, row_id: int):
    """Change the editable fields of one row."""
    mod, res = _module(module), _resource(module, resource)
    if res.edit is None:
        abort(404)
    row = _row(res, row_id)
    if request.method == "GET":
        current = res.current(row) if res.current else {}
        values = {i.name: i.shown(current.get(i.name)) for i in res.edit_inputs}
        return render_template("admin/compound/form.html", mod=mod, res=res, inputs=res.edit_inputs, row=row,
                               values=values)
    _, error = attempt(f"compound.{module}.{resource}.edit", f"{module}/{resource}:{row_id}",
                       lambda: res.edit(db.session, row, parse_form(res.edit_inputs, request.form)))
    if error:
        return render_template("admin/compound/form.html", mod=mod, res=res, inputs=res.edit_inputs, row=row,
                               values=request.form.to_dict(), error=error_text(error)), error.status
    flash("已保存")
    return redirect(url_for("admin.compound_list", module=module, resource=resource))


@bp.post("/compound/<module>/<resource>/<int:row_id>/<action>")
@module_access(write=True)
def compound_action(module: str, resource: str, row_id: int, action: str):
    """One action on one row (approve, return, assign, top up ...)."""
    res = _resource(module, resource)
    act = next((a for a in res.actions if a.key == action), None) or abort(404)
    row = _row(res, row_id)

    def run():
        if not act.when(row):
            raise DomainError("invalid_transition", act.label)
        values = parse_form(act.inputs, request.form)
        if act.keyed:
            values["key"] = f"admin:{(request.form.get('request_key') or '')[:64]}"
        return act.run(db.session, row, values)

    _, error = attempt(f"compound.{module}.{resource}.{action}", f"{module}/{resource}:{row_id}", run)
    if error:
        return _list_page(module, resource, status=error.status, error=error_text(error))
    flash(f"{act.label}：已完成")
    return redirect(url_for("admin.compound_list", module=module, resource=resource))


@bp.get("/compound/<module>/<resource>/export.xlsx")
@module_access(write=False)
def compound_export(module: str, resource: str):
    """Everything the resource holds, in its import template's layout."""
    res = _resource(module, resource)
    if res.sheet is None:
        abort(404)
    return download(sheets.export(db.session, res.sheet), export_name(res.sheet.title))


@bp.get("/compound/<module>/<resource>/template.xlsx")
@module_access(write=False)
def compound_template(module: str, resource: str):
    """The empty import template (header row only)."""
    res = _resource(module, resource)
    if res.sheet is None:
        abort(404)
    return download(sheets.workbook(res.sheet), export_name(f"{res.sheet.title}_导入模板"))


@bp.route("/compound/<module>/<resource>/import", methods=["GET", "POST"])
@module_access(write=True)
def compound_import(module: str, resource: str):
    """Import a filled-in template: every row is checked; one bad row and nothing is written."""
    mod, res = _module(module), _resource(module, resource)
    if res.sheet is None:
        abort(404)
    if request.method == "GET":
        return render_template("admin/compound/import.html", mod=mod, res=res)
    upload = request.files.get("file")
    data = upload.stream.read(MAX_UPLOAD + 1) if upload else b""
    name = (upload.filename if upload else "")[:80] or "?"

    def load():
        if len(data) > MAX_UPLOAD:
            raise DomainError("import_invalid", "文件过大")
        return sheets.import_rows(db.session, res.sheet, data)

    count, error = attempt(f"compound.{module}.{resource}.import", name, load)
    if error:
        return render_template("admin/compound/import.html", mod=mod, res=res, error=error_text(error)), error.status
    flash(f"已导入 {count} 行")
    return redirect(url_for("admin.compound_list", module=module, resource=resource))


def _report(module: str, key: str):
    mod = _module(module)
    spec = mod.reports.get(key) or abort(404)
    args = spec.defaults() | {k: v for k, v in request.args.items() if v}
    values = parse_form(spec.params, args)
    return mod, spec, args, values


@bp.get("/compound/<module>/reports/<key>")
@module_access(write=False)
def compound_report(module: str, key: str):
    """A module report for the chosen parameters."""
    mod = _module(module)
    try:
        mod, spec, args, values = _report(module, key)
        report = spec.run(db.session, values)
    except DomainError as exc:
        spec = mod.reports.get(key) or abort(404)
        if not any(request.args.values()):
            # A first visit: ask for what the report needs instead of refusing it.
            return render_template("admin/compound/report.html", mod=mod, spec=spec, report=None,
                                   args=spec.defaults(), prompt=_("请选择查询条件后点击“查询”。"))
        return render_template("admin/compound/report.html", mod=mod, spec=spec, report=None, args=request.args,
                               error=error_text(exc)), exc.status
    return render_template("admin/compound/report.html", mod=mod, spec=spec, report=report, args=args)


@bp.get("/compound/<module>/reports/<key>/export.xlsx")
@module_access(write=False)
def compound_report_export(module: str, key: str):
    """The report as .xlsx (the vehicle accounting as its notice for publication)."""
    try:
        _mod, spec, _args, values = _report(module, key)
        report = spec.run(db.session, values)
    except DomainError as exc:
        return Response(error_text(exc), status=exc.status, mimetype="text/plain")
    body = spec.export(report) if spec.export else sheets.report_workbook(report)
    return download(body, export_name(spec.title))
