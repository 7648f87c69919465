"""People (人员): search, register, edit, roster import (all or nothing) and export."""
import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from admin import audit
from admin.actions import new_request_key, perform
from admin.blueprint import bp
from admin.roster import COLUMNS, MAX_BYTES, read_roster
from admin.security import READERS, WRITERS, remote_addr, requires
from admin.xlsx import download, frame
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.labels import label
from canteen.models import Account, Card, CardEvent, Department, DinerCategory, Person
from canteen.services.people import create_person

PAGE = 100


def _choices():
    return {"departments": list(db.session.scalars(select(Department).order_by(Department.code))),
            "categories": list(db.session.scalars(select(DinerCategory).order_by(DinerCategory.id)))}


def _people_query():
    query = select(Person).order_by(Person.staff_no)
    q = (request.args.get("q") or "").strip()[:50]
    if q:
        query = query.where(or_(Person.staff_no.contains(q, autoescape=True), Person.name.contains(q, autoescape=True)))
    dept = request.args.get("department", "")
    if dept.isdigit():
        query = query.where(Person.department_id == int(dept))
    return query


@bp.get("/people")
@requires(*READERS)
def people():
    """Search people by staff number or name, and department."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    found = list(db.session.scalars(_people_query().limit(PAGE).offset((page - 1) * PAGE)))
    total = db.session.scalar(select(func.count()).select_from(_people_query().subquery()))
    paging = {name: request.args[name] for name in ("q", "department") if request.args.get(name)}
    return render_template("admin/people.html", people=found, total=total, page=page, per_page=PAGE, paging=paging,
                           **_choices())


@bp.get("/people/export.xlsx")
@requires(*READERS)
def people_export():
    """The roster as .xlsx, in the same columns the import reads."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS) + ["状态"])
    for person in db.session.scalars(_people_query()):
        sheet.append([person.staff_no, person.name, person.department.name, person.category.name, person.phone or "",
                      label("person_state", person.state)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s" if cell.value is not None else cell.data_type
    sheet.title = "人员名单"
    frame(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return download(buffer.getvalue(), "人员名单.xlsx")


@bp.route("/people/new", methods=["GET", "POST"])
@requires(*WRITERS)
def person_new():
    """Register one person (工号, 姓名, 部门, 类别)."""
    if request.method == "GET":
        return render_template("admin/person_form.html", person=None, **_choices())
    form = request.form
    department = _get(Department, form.get("department"))
    category = _get(DinerCategory, form.get("category"))

    def create():
        if department is None or category is None:
            raise DomainError("invalid_input", "部门或人员类别不存在")
        return create_person(db.session, staff_no=form.get("staff_no", ""), name=form.get("name", ""),
                             department=department, category=category,
                             phone=(form.get("phone") or "").strip()[:32] or None)

    person = perform("person.create", f"staff_no:{(form.get('staff_no') or '')[:32]}", create, done="人员已登记")
    if person is None:
        return render_template("admin/person_form.html", person=None, form=form, **_choices()), 400
    return redirect(url_for("admin.person", person_id=person.id))


def _get(model, value):
    return db.session.get(model, int(value)) if (value or "").isdigit() and len(value) < 12 else None


@bp.get("/people/<int:person_id>")
@requires(*READERS)
def person(person_id: int):
    """One person: wallets, cards and their history, the actions on them."""
    found = db.session.get(Person, person_id) or abort(404)
    wallets = {a.kind: a.balance for a in db.session.scalars(select(Account).where(Account.person_id == found.id))}
    cards = list(db.session.scalars(select(Card).where(Card.person_id == found.id).order_by(Card.id.desc())))
    events = list(db.session.scalars(select(CardEvent).where(CardEvent.card_id.in_([c.id for c in cards]))
                                     .order_by(CardEvent.id.desc()))) if cards else []
    return render_template("admin/person.html", person=found, wallets=wallets, cards=cards, events=events,
                           card_uids={c.id: c.uid for c in cards}, request_key=new_request_key(), **_choices())


@bp.post("/people/<int:person_id>")
@requires(*WRITERS)
def person_edit(person_id: int):
    """Change name, department, category or phone (no money moves)."""
    found = db.session.get(Person, person_id) or abort(404)
    form = request.form

    def edit():
        department, category = _get(Department, form.get("department")), _get(DinerCategory, form.get("category"))
        name = (form.get("name") or "").strip()
        if department is None or category is None or not name or len(name) > 50:
            raise DomainError("invalid_input", "姓名、部门或人员类别无效")
        found.name, found.department, found.category = name, department, category
        found.phone = (form.get("phone") or "").strip()[:32] or None
        return found

    perform("person.edit", f"person:{person_id}", edit, done="已保存")
    return redirect(url_for("admin.person", person_id=person_id))


@bp.route("/people/import", methods=["GET", "POST"])
@requires(*WRITERS)
def people_import():
    """Import a roster: every row is checked first; if any is bad, nothing is written and each problem is listed."""
    if request.method == "GET":
        return render_template("admin/import.html", columns=COLUMNS, roster=None)
    upload = request.files.get("file")
    data = upload.stream.read(MAX_BYTES + 1) if upload else b""
    roster = read_roster(db.session, data)
    name = (upload.filename if upload else "")[:80]
    if not roster.ok:
        audit.record(db.session, action="person.import", result="failed", operator=_me(), remote_addr=remote_addr(),
                     target=name, detail=f"{len(roster.errors)} problems; first: {roster.errors[:1]}")
        db.session.commit()
        return render_template("admin/import.html", columns=COLUMNS, roster=roster), 400
    try:
        for row in roster.rows:
            create_person(db.session, staff_no=row.staff_no, name=row.name, department=row.department,
                          category=row.category, phone=row.phone)
        audit.record(db.session, action="person.import", result="ok", operator=_me(), remote_addr=remote_addr(),
                     target=name, detail=f"{len(roster.rows)} people")
        db.session.commit()
    except (IntegrityError, DomainError):
        db.session.rollback()
        flash(gettext("导入时发生冲突（可能有人同时登记了相同工号），未写入任何记录，请重试"), "error")
        return render_template("admin/import.html", columns=COLUMNS, roster=None), 409
    flash(gettext("已导入 %(n)s 人", n=len(roster.rows)))
    return redirect(url_for("admin.people"))


def _me():
    return current_user.operator
