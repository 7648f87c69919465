"""Management pages: people, roster import (all or nothing), card actions and subsidies, all through the services."""
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import Account, AuditEntry, Card, JournalEntry, Person, SubsidyBatch
from canteen.services.verify import verify_ledger
from tests.admin.conftest import csrf_of
from tests.world import new_uid


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, data: bytes, name="roster.xlsx"):
    return client.post("/admin/people/import", data={"csrf_token": csrf_of(client, "/admin/people/import"),
                                                      "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _last_audit():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_a_good_roster_imports_everyone_and_exports_the_same(world, signed_in):
    dept = world.department("信息科")
    client = signed_in("manager")
    rows = [["工号", "姓名", "部门", "人员类别", "电话"]] + [[f"R{i:03d}", f"导入{i}", "信息科", "在编职工", None]
                                                        for i in range(30)]
    response = _upload(client, _xlsx(rows))
    assert response.status_code == 302
    people = db.session.scalars(select(Person).where(Person.department_id == dept.id)).all()
    assert len(people) == 30 and _count(Account) >= 90
    assert (_last_audit().action, _last_audit().result, _last_audit().detail) == ("person.import", "ok", "30 people")
    export = load_workbook(io.BytesIO(client.get("/admin/people/export.xlsx?q=R0").get_data())).active
    assert sorted(r[0] for r in export.iter_rows(min_row=2, values_only=True)) == [f"R{i:03d}" for i in range(30)]


def test_a_bad_roster_imports_nobody_and_lists_every_bad_row(world, signed_in):
    world.department("信息科")
    existing = world.person()
    client = signed_in("admin")
    before = _count(Person)
    rows = [["工号", "姓名", "部门", "人员类别"], ["A1", "甲", "信息科", "在编职工"],
            ["A1", "乙", "信息科", "在编职工"],
            ["A2", "丙", "不存在的科", "在编职工"], [existing.staff_no, "丁", "信息科", "在编职工"],
            ["A3", "=1+1", "信息科", "在编职工"], ["A4", "", "信息科", "外星人"]]
    response = _upload(client, _xlsx(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for expected in ("工号与第 2 行重复", "部门不存在：不存在的科", "工号已存在", "不允许公式", "姓名为空或过长",
                     "人员类别不存在：外星人"):
        assert expected in page
    assert _count(Person) == before
    assert _last_audit().result == "failed"


def test_hostile_files_are_refused_with_a_message(world, signed_in):
    client = signed_in("manager")
    before = _count(Person)
    cases = [(b"PK\x03\x04 not really a zip", "不是有效的 .xlsx 文件"), (b"%PDF-1.4", "不是有效的 .xlsx 文件"),
             (_xlsx([["名字", "号码"], ["x", "y"]]), "缺少列"),
             (_xlsx([["工号", "姓名", "部门", "人员类别"]] + [[f"B{i}", "x", "y", "z"] for i in range(5001)]),
              "行数超过上限"), (_xlsx([["工号", "姓名", "部门", "人员类别"]]), "文件中没有人员")]
    for data, message in cases:
        response = _upload(client, data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert _count(Person) == before
    assert client.get("/admin/people").status_code == 200


def test_people_are_registered_and_edited_by_managers_not_auditors(world, signed_in):
    dept, other = world.department("甲科"), world.department("乙科")
    client = signed_in("manager")
    form = {"staff_no": "N001", "name": "新人", "department": dept.id, "category": world.category().id,
            "csrf_token": csrf_of(client, "/admin/people/new")}
    assert client.post("/admin/people/new", data=form).status_code == 302
    person = db.session.scalar(select(Person).where(Person.staff_no == "N001"))
    again = client.post("/admin/people/new", data=form)
    assert again.status_code == 400 and _count(Person) == 1
    edit = {"name": "新人二", "department": other.id, "category": person.category_id, "csrf_token": form["csrf_token"]}
    assert client.post(f"/admin/people/{person.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert (person.name, person.department_id) == ("新人二", other.id)
    auditor = signed_in("auditor")
    assert auditor.get(f"/admin/people/{person.id}").status_code == 200
    denied = auditor.post(f"/admin/people/{person.id}", data={**edit, "name": "x",
                                                              "csrf_token": csrf_of(auditor, "/admin/")})
    assert denied.status_code == 403 and _last_audit().result == "denied"


def test_card_actions_go_through_the_services_and_are_audited(world, signed_in):
    person, card = world.diner(cash=5000, deposit=1000)
    client = signed_in("manager")
    token = csrf_of(client, f"/admin/people/{person.id}")
    assert client.post(f"/admin/cards/{card.id}/loss", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert card.state == "lost" and _last_audit().action == "card.report_loss"
    client.post(f"/admin/cards/{card.id}/unfreeze", data={"csrf_token": token})
    db.session.expire_all()
    assert card.state == "active"
    uid = new_uid()
    client.post(f"/admin/cards/{card.id}/reissue", data={"csrf_token": token, "new_uid": uid, "fee": "5",
                                                         "fee_method": "wallet"})
    db.session.expire_all()
    new = db.session.scalar(select(Card).where(Card.uid == uid))
    assert card.state == "replaced" and new.state == "active" and new.person_id == person.id
    cash = db.session.scalar(select(Account.balance).where(Account.person_id == person.id, Account.kind == "cash"))
    assert cash == 4500
    refused = client.post(f"/admin/people/{person.id}/cancel", data={"csrf_token": token})
    assert refused.status_code == 302 and _last_audit().result == "failed" and "no_open_shift" in _last_audit().detail
    world.shift_for(client.operator)
    client.post(f"/admin/people/{person.id}/cancel", data={"csrf_token": token})
    db.session.expire_all()
    assert person.state == "cancelled" and _last_audit().action == "card.cancel" and _last_audit().result == "ok"
    assert verify_ledger(db.session).ok


def test_a_subsidy_is_previewed_then_issued_once(world, signed_in):
    dept = world.department("补贴科")
    people = [world.person(department=dept) for _ in range(3)]
    world.person()
    client = signed_in("manager")
    form = {"title": "冬季补贴", "amount": "12.5", "department": str(dept.id), "expiry_rule": "carry",
            "csrf_token": csrf_of(client, "/admin/subsidies")}
    preview = client.post("/admin/subsidies/preview", data=form)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "3 人 × ￥12.50 = <b>￥37.50</b>" in page
    assert all(p.staff_no in page for p in people) and _count(JournalEntry) == 0
    key = page.split('name="request_key" value="')[1][:32]
    assert client.post("/admin/subsidies/issue", data={**form, "request_key": key}).status_code == 302
    assert client.post("/admin/subsidies/issue", data={**form, "request_key": key}).status_code == 400
    assert _count(SubsidyBatch) == 1
    held = db.session.scalars(select(Account.balance).where(Account.kind == "subsidy",
                                                            Account.person_id.in_([p.id for p in people]))).all()
    assert held == [1250, 1250, 1250]


def test_a_bad_subsidy_changes_nothing(world, signed_in):
    client = signed_in("admin")
    token = csrf_of(client, "/admin/subsidies")
    for form, message in (({"title": "x", "amount": "99999999999"}, "金额无效"),
                          ({"title": "x", "amount": "10", "department": "424242"}, "所选部门或人员类别不存在"),
                          ({"title": "", "amount": "10"}, "请填写补贴名称"),
                          ({"title": "x", "amount": "-1"}, "金额无效")):
        response = client.post("/admin/subsidies/preview", data={**form, "csrf_token": token})
        assert response.status_code == 400 and message in response.get_data(as_text=True), form
    assert _count(SubsidyBatch) == 0 and _count(JournalEntry) == 0
