"""Roster import in the background: progress while it checks, a row-by-row report, all or nothing."""
import io
from datetime import timedelta

from sqlalchemy import func, select

from admin import import_views
from canteen.extensions import db
from canteen.models import AuditEntry, Operator, Person, RosterImport, utcnow
from tests.admin.conftest import csrf_of
from tests.admin.test_manage import _xlsx

HEADER = ["工号", "姓名", "部门", "人员类别", "电话"]


def _start(client, data: bytes):
    response = client.post("/admin/people/import/jobs",
                           data={"csrf_token": csrf_of(client, "/admin/people/import"),
                                 "file": (io.BytesIO(data), "roster.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    job = response.get_json()
    import_views.wait(job["id"])
    status = client.get(job["status"])
    assert status.status_code == 200
    return status.get_json()


def _people():
    return db.session.scalar(select(func.count()).select_from(Person))


def test_a_big_roster_is_checked_with_progress_then_written_at_once(world, signed_in):
    world.department("信息科")
    client = signed_in("manager")
    before = _people()
    rows = [HEADER] + [[f"B{i:04d}", f"批量{i}", "信息科", "在编职工", None] for i in range(250)]
    job = _start(client, _xlsx(rows))
    assert (job["state"], job["imported"], job["error_count"]) == ("done", 250, 0)
    assert job["checked_rows"] == job["total_rows"] == 251
    assert _people() == before + 250
    audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (audit.action, audit.result, audit.detail) == ("person.import", "ok", "250 people")
    page = client.get("/admin/people/import").get_data(as_text=True)
    assert 'id="import-progress"' in page and "/admin/people/import/jobs" in page


def test_a_bad_row_fails_the_whole_job_with_every_problem_listed(world, signed_in):
    world.department("信息科")
    client = signed_in("admin")
    before = _people()
    rows = [HEADER] + [[f"C{i:03d}", f"检查{i}", "信息科", "在编职工", None] for i in range(120)]
    rows[50][2] = "不存在的科"
    rows[90][0] = rows[10][0]
    job = _start(client, _xlsx(rows))
    assert job["state"] == "failed" and job["imported"] == 0
    assert {(e["line"], e["problem"]) for e in job["errors"]} == {
        (51, "部门不存在：不存在的科"), (91, "工号与第 11 行重复")}
    assert _people() == before
    assert db.session.scalar(select(RosterImport.state).where(RosterImport.id == job["id"])) == "failed"


def test_a_file_that_is_no_spreadsheet_fails_with_a_message(world, signed_in):
    client = signed_in("manager")
    job = _start(client, b"this is not a spreadsheet")
    assert job["state"] == "failed" and job["errors"] == [{"line": 0, "problem": "不是有效的 .xlsx 文件"}]
    assert client.get("/admin/people/import/jobs/424242").status_code == 404


def test_an_upload_without_a_file_is_refused_at_once(world, signed_in):
    client = signed_in("manager")
    response = client.post("/admin/people/import/jobs", data={"csrf_token": csrf_of(client, "/admin/people/import")})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_input"
    assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


def test_the_row_by_row_report_reads_in_english(world, signed_in):
    world.department("信息科")
    client = signed_in("manager")
    client.get("/admin/lang/en")
    rows = [HEADER, ["E1", "甲", "信息科", "在编职工", None], ["E1", "", "无此科", "在编职工", None]]
    job = _start(client, _xlsx(rows))
    assert job["state"] == "failed" and job["message"] == "Not imported: problems found"
    assert job["errors"] == [{"line": 3, "problem": "Staff number repeats row 2; Name empty or too long; "
                                                   "No such department: 无此科"}]


def test_a_job_whose_server_process_died_reads_as_failed_and_wrote_nothing(world, signed_in):
    client = signed_in("manager")
    operator = db.session.scalar(select(Operator.id).limit(1))
    now = utcnow()
    dead = RosterImport(operator_id=operator, filename="dead.xlsx", state="writing", checked_rows=40, total_rows=40,
                        created_dt=now - timedelta(minutes=10), beat_dt=now - import_views.STALE_AFTER * 2)
    alive = RosterImport(operator_id=operator, filename="alive.xlsx", state="checking", checked_rows=5,
                         created_dt=now - timedelta(minutes=10), beat_dt=now)
    db.session.add_all([dead, alive])
    db.session.flush()
    dead_id, alive_id = dead.id, alive.id
    db.session.commit()  # and nothing read after it: SQLite's write lock stays free for the status page
    job = client.get(f"/admin/people/import/jobs/{dead_id}").get_json()
    assert (job["state"], job["imported"], job["error_count"]) == ("failed", 0, 1)
    assert "未写入任何记录" in job["errors"][0]["problem"] and job["errors"][0]["line"] == 0
    client.get("/admin/lang/en")
    english = client.get(f"/admin/people/import/jobs/{dead_id}").get_json()
    assert "nothing was written" in english["errors"][0]["problem"]
    assert client.get(f"/admin/people/import/jobs/{alive_id}").get_json()["state"] == "checking"


def test_a_running_job_beats_until_it_ends(world, signed_in):
    world.department("信息科")
    client = signed_in("manager")
    job = _start(client, _xlsx([HEADER, ["H0001", "心跳", "信息科", "在编职工", None]]))
    beat = db.session.scalar(select(RosterImport.beat_dt).where(RosterImport.id == job["id"]))
    assert job["state"] == "done" and beat is not None
