"""The audit log: written for sign-ins and actions, hash-chained, refused UPDATE and DELETE by the database."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from admin.audit import record, verify_audit
from canteen.extensions import db
from canteen.models import AuditEntry
from tests.admin.conftest import csrf_of, sign_in


def test_sign_ins_and_sign_outs_are_chained_and_the_chain_verifies(app, client, world):
    manager = world.operator("manager")
    sign_in(client, "nobody-here", "whatever-123")
    sign_in(client, manager.username, "wrong-password-1")
    sign_in(client, manager.username)
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(r.action, r.result, r.username) for r in rows] == [
        ("login", "failed", "nobody-here"), ("login", "failed", manager.username),
        ("login", "ok", manager.username), ("logout", "ok", manager.username)]
    assert rows[0].prev_hash == "0" * 64 and all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    proof = verify_audit(db.session)
    assert proof.ok and proof.rows == 4
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET result = 'ok'", "DELETE FROM audit_entry"])
def test_the_database_refuses_to_change_the_audit_log(world, statement):
    record(db.session, action="test", result="failed", remote_addr="10.0.0.1")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert verify_audit(db.session).ok


def test_a_forged_row_breaks_the_chain(world):
    for i in range(3):
        record(db.session, action="test", result="ok", detail=str(i))
    db.session.commit()
    db.session.execute(text("INSERT INTO audit_entry (id, created_dt, action, result, prev_hash, hash) "
                            "VALUES (4, '2026-01-01 00:00:00', 'forged', 'ok', 'x', 'y')"))
    db.session.commit()
    proof = verify_audit(db.session)
    assert not proof.ok and "audit row 4" in proof.problems[0]


def test_auditors_read_the_log_and_see_the_chain_proof(signed_in):
    auditor = signed_in("auditor")
    page = auditor.get("/admin/audit?verify=1").get_data(as_text=True)
    assert "哈希链完整" in page and auditor.operator.username in page
    assert signed_in("manager").get("/admin/audit").status_code == 403


def test_a_request_without_its_csrf_token_is_refused_and_audited(signed_in):
    client = signed_in("manager")
    response = client.post("/admin/departments", data={"code": "EVIL", "name": "伪造"})
    assert response.status_code == 400
    row = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (row.action, row.result, row.operator_id) == ("admin.department_save", "denied", client.operator.id)
    assert row.detail.startswith("csrf")
    assert verify_audit(db.session).ok
