"""Roster import in the background (导入名单): the page uploads, then polls the job's progress.

Every row is checked first (the job row says how far); then all people are written in one transaction
with the job's final state and the audit row, or nothing is. The job's state lives in the database, so
any server process answers the poll. Without JavaScript the form posts to the synchronous import.
"""
import json
import threading
from datetime import timedelta

from flask import abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from admin import audit
from admin.blueprint import bp
from admin.roster import MAX_BYTES, Problem, read_roster
from admin.security import WRITERS, remote_addr, requires
from canteen.db_setup import read_only
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Operator, RosterImport, utcnow
from canteen.services.people import create_person
from canteen.spreadsheets import SpreadsheetRefused, check_archive

#: Jobs started by this process, so tests (and a clean shutdown) can wait for them.
_running: dict[int, threading.Thread] = {}
#: A running job writes its sign of life this often; silent this long, it is taken for dead.
BEAT_SECONDS = 5
STALE_AFTER = timedelta(seconds=60)
RUNNING = ("checking", "writing")


def _set(job_id: int, *where, **values) -> None:
    """Update the job row (if it meets `where`) in its own short transaction, so a poll sees it at once."""
    token = read_only.set(False)
    try:
        with db.engine.begin() as conn:
            conn.execute(update(RosterImport).where(RosterImport.id == job_id, *where).values(**values))
    finally:
        read_only.reset(token)


def run_import(app, job_id: int, data: bytes, addr: str) -> None:
    """Check and write one roster (runs in a background thread); a crash marks the job failed."""
    stop = threading.Event()
    threading.Thread(target=_beat, name=f"roster-import-{job_id}-beat", daemon=True, args=(app, job_id, stop)).start()
    with app.app_context():
        try:
            _import(job_id, data, addr)
        except Exception:
            db.session.rollback()
            _fail(job_id, "导入出错，未写入任何记录")
            raise
        finally:
            stop.set()


def _beat(app, job_id: int, stop: threading.Event) -> None:
    """The job's sign of life while it runs (see :func:`_given_up`)."""
    with app.app_context():
        while True:
            _set(job_id, beat_dt=utcnow())
            if stop.wait(BEAT_SECONDS):
                return


def _fail(job_id: int, msgid: str, *, only_if_running: bool = False) -> None:
    """Mark the job failed with one problem for the whole file."""
    where = [RosterImport.state.in_(RUNNING)] if only_if_running else []
    _set(job_id, *where, state="failed", finished_dt=utcnow(),
         errors=json.dumps([[0, [[msgid, {}]]]], ensure_ascii=False))


def _given_up(job: RosterImport) -> bool:
    """A running job that stopped beating: its server process died (restart, crash) before it finished."""
    last = job.beat_dt or job.created_dt
    return job.state in RUNNING and last is not None and utcnow() - last > STALE_AFTER


def _import(job_id: int, data: bytes, addr: str) -> None:
    """Check every row (reporting progress), then write everyone in one transaction, or no one."""
    session = db.session
    token = read_only.set(True)  # checking only reads: on SQLite it must not hold the write lock
    try:
        job = session.get(RosterImport, job_id)
        operator, filename = session.get(Operator, job.operator_id), job.filename
        roster = read_roster(session, data, progress=lambda done, total: _set(
            job_id, checked_rows=done, total_rows=max(total or 0, done)))
        session.rollback()
    finally:
        read_only.reset(token)
    if not roster.ok:
        audit.record(session, action="person.import", result="failed", operator=operator, remote_addr=addr,
                     target=filename, detail=f"{len(roster.errors)} problems; first: {roster.errors[:1]}")
        session.commit()
        _set(job_id, state="failed", finished_dt=utcnow(),
             errors=json.dumps([[line, problem.as_json()] for line, problem in roster.errors], ensure_ascii=False))
        return
    checked = max(r.line for r in roster.rows)
    _set(job_id, state="writing", checked_rows=checked, total_rows=checked)
    try:
        for row in roster.rows:
            create_person(session, staff_no=row.staff_no, name=row.name, department=row.department,
                          category=row.category, phone=row.phone)
        audit.record(session, action="person.import", result="ok", operator=operator, remote_addr=addr,
                     target=filename, detail=f"{len(roster.rows)} people")
        job = session.get(RosterImport, job_id)
        job.state, job.imported, job.finished_dt = "done", len(roster.rows), utcnow()
        session.commit()
    except (IntegrityError, DomainError):
        session.rollback()
        _fail(job_id, "导入时发生冲突（可能有人同时登记了相同工号），未写入任何记录，请重试")


def wait(job_id: int, timeout: float | None = None) -> None:
    """Wait for a job this process started (tests; a worker shutting down)."""
    thread = _running.pop(job_id, None)
    if thread is not None:
        thread.join(timeout)


@bp.post("/people/import/jobs")
@requires(*WRITERS)
def people_import_start():
    """Start a background import of the uploaded roster; answers where to poll its progress."""
    upload = request.files.get("file")
    data = upload.stream.read(MAX_BYTES + 1) if upload else b""
    if not data or len(data) > MAX_BYTES:
        message = _("请选择名单文件") if not data else _("文件过大（超过 %(mb)s MB）", mb=MAX_BYTES // 1024 // 1024)
        return jsonify(error={"code": "invalid_input", "message": message}), 400
    try:  # a zip bomb or a DTD is refused here, before any thread parses it (a non-zip fails in the job)
        if data[:2] == b"PK":
            check_archive(data)
    except SpreadsheetRefused as refused:
        message = _("表格文件已拒绝：%(reason)s", reason=refused.reason)
        return jsonify(error={"code": refused.code, "message": message}), 400
    job = RosterImport(operator_id=current_user.operator.id, filename=(upload.filename if upload else "")[:80])
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    db.session.commit()  # nothing reads the session after this: it would hold SQLite's lock from the thread
    thread = threading.Thread(target=run_import, name=f"roster-import-{job_id}", daemon=True,
                              args=(current_app._get_current_object(), job_id, data, remote_addr()))
    _running[job_id] = thread
    thread.start()
    return jsonify(id=job_id, status=url_for("admin.people_import_status", job_id=job_id)), 202


@bp.get("/people/import/jobs/<int:job_id>")
@requires(*WRITERS)
def people_import_status(job_id: int):
    """A job's progress, and when it failed, every problem row by row."""
    db.session.expire_all()
    job = db.session.get(RosterImport, job_id)
    if job is None:
        abort(404)
    if _given_up(job):
        _fail(job_id, "导入中断（服务器重启或进程退出），未写入任何记录，请重试", only_if_running=True)
        db.session.rollback()  # a new snapshot (SQLite keeps the old one while its read is open)
        job = db.session.get(RosterImport, job_id)
    errors = json.loads(job.errors or "[]")
    messages = {"checking": _("正在检查第 %(n)s 行", n=job.checked_rows),
                "writing": _("检查无误，正在写入 %(n)s 人", n=job.checked_rows),
                "done": _("已导入 %(n)s 人", n=job.imported),
                "failed": _("未导入：发现以下问题")}
    return jsonify(id=job.id, state=job.state, total_rows=job.total_rows, checked_rows=job.checked_rows,
                   imported=job.imported, message=messages[job.state], error_count=len(errors),
                   errors=[{"line": line, "problem": str(Problem.from_json(parts))} for line, parts in errors[:1000]],
                   people=url_for("admin.people"))
