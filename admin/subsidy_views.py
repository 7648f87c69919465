"""Subsidies (补贴发放): choose who and how much, preview every recipient, then confirm; expire due batches."""
from datetime import date

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.actions import actor, new_request_key, perform, rules, yuan_to_fen
from admin.blueprint import bp
from admin.formatting import error_text
from admin.security import READERS, WRITERS, requires
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, DinerCategory, SubsidyBatch
from canteen.services.subsidies import expire_subsidy, issue_subsidy, subsidy_recipients


def _ids(name: str, model) -> list[int]:
    values = request.form.getlist(name)
    if not all(v.isdigit() and len(v) < 12 for v in values):
        raise DomainError("invalid_input", "编号无效")
    ids = sorted({int(v) for v in values})
    if ids and len(db.session.scalars(select(model.id).where(model.id.in_(ids))).all()) != len(ids):
        raise DomainError("invalid_input", "所选部门或人员类别不存在")
    return ids


def _form() -> dict:
    """The batch as asked for; DomainError when something is wrong."""
    form = request.form
    title = (form.get("title") or "").strip()
    if not title or len(title) > 100:
        raise DomainError("invalid_input", "请填写补贴名称（100 字以内）")
    rule = form.get("expiry_rule") or "carry"
    if rule not in ("carry", "zero"):
        raise DomainError("invalid_input", "到期规则无效")
    expires = None
    if form.get("expires_on"):
        try:
            expires = date.fromisoformat(form["expires_on"][:10])
        except ValueError:
            raise DomainError("invalid_date", form["expires_on"][:20]) from None
    amount = yuan_to_fen(form.get("amount"), allow_zero=False)
    if amount > rules().max_amount_fen:
        raise DomainError("invalid_amount", "每人金额超过上限")
    return {"title": title, "amount_each": amount, "department_ids": _ids("department", Department),
            "category_ids": _ids("category", DinerCategory), "expiry_rule": rule, "expires_on": expires}


def _page(**extra):
    batches = list(db.session.scalars(select(SubsidyBatch).order_by(SubsidyBatch.id.desc()).limit(200)))
    return render_template(
        "admin/subsidies.html", batches=batches,
        departments=list(db.session.scalars(select(Department).order_by(Department.code))),
        categories=list(db.session.scalars(select(DinerCategory).order_by(DinerCategory.id))), **extra)


@bp.get("/subsidies")
@requires(*READERS)
def subsidies():
    """Batches issued so far and the form for a new one."""
    return _page()


@bp.post("/subsidies/preview")
@requires(*WRITERS)
def subsidy_preview():
    """Who would get what: nothing is written yet."""
    try:
        batch = _form()
        people = subsidy_recipients(db.session, batch["department_ids"], batch["category_ids"])
        if not people:
            raise DomainError("no_recipients")
    except DomainError as exc:
        return _page(error=error_text(exc), form=request.form), 400
    return render_template("admin/subsidy_preview.html", batch=batch, people=people,
                           total=batch["amount_each"] * len(people), form=request.form,
                           request_key=new_request_key())


@bp.post("/subsidies/issue")
@requires(*WRITERS)
def subsidy_issue():
    """Issue the previewed batch (the preview's key makes a second click harmless)."""
    try:
        batch = _form()
    except DomainError as exc:
        return _page(error=error_text(exc), form=request.form), 400
    done = perform("subsidy.issue", batch["title"], lambda: issue_subsidy(db.session, actor(), rules(), **batch),
                   done="补贴已发放", detail=f"{batch['amount_each']} fen each")
    return redirect(url_for("admin.subsidies")) if done else (_page(form=request.form), 400)


@bp.post("/subsidies/<int:batch_id>/expire")
@requires(*WRITERS)
def subsidy_expire(batch_id: int):
    """Return what is left of an expired batch to the subsidy fund (到期清零)."""
    db.session.get(SubsidyBatch, batch_id) or abort(404)
    perform("subsidy.expire", f"batch:{batch_id}",
            lambda: expire_subsidy(db.session, actor(), rules(), batch_id=batch_id), done="已到期清零")
    return redirect(url_for("admin.subsidies"))
