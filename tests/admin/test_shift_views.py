"""Cashier shifts from the back office: opened and closed through the services, with CSRF and audit."""
from sqlalchemy import select

from canteen.extensions import db
from canteen.models import AuditEntry, Shift
from tests.admin.conftest import csrf_of


def _post(client, path, **form):
    return client.post(path, data={"csrf_token": csrf_of(client, "/admin/shifts"), **form})


def _audits(action):
    return [(a.result, a.detail) for a in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                             .order_by(AuditEntry.id))]


def test_a_cashier_opens_and_closes_a_shift_and_both_are_audited(world, signed_in):
    client = signed_in("cashier")
    operator = client.operator
    opened = _post(client, "/admin/shifts/open", opening_float="200.00")
    assert opened.status_code == 302
    shift = db.session.scalar(select(Shift).where(Shift.operator_id == operator.id))
    assert shift.opening_float == 20000 and shift.closed_dt is None
    assert "/admin/shifts/" in opened.headers["Location"]
    page = client.get(f"/admin/shifts/{shift.id}").get_data(as_text=True)
    assert "交班报表" in page and "200.00" in page

    again = _post(client, "/admin/shifts/open", opening_float="50")
    assert again.status_code == 302
    assert db.session.scalar(select(Shift.id).where(Shift.operator_id == operator.id, Shift.id != shift.id)) is None

    closed = _post(client, "/admin/shifts/close", counted_cash="199.50")
    assert closed.status_code == 302
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert shift.closed_dt is not None and shift.counted_cash == 19950 and shift.difference == -50
    assert [r for r, _ in _audits("shift.open")] == ["ok", "failed"]
    assert _audits("shift.close") == [("ok", "counted_cash=19950")]


def test_a_bad_count_changes_nothing_and_says_why(world, signed_in):
    client = signed_in("manager")
    _post(client, "/admin/shifts/open", opening_float="0")
    response = _post(client, "/admin/shifts/close", counted_cash="12.345")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash"' in page
    shift = db.session.scalar(select(Shift).where(Shift.operator_id == client.operator.id))
    db.session.refresh(shift)
    assert shift.closed_dt is None and shift.counted_cash is None
    assert _audits("shift.close")[-1][0] == "failed"


def test_a_cashier_sees_only_their_own_shifts_and_an_auditor_cannot_open_one(world, signed_in):
    first, second = signed_in("cashier"), signed_in("cashier")
    _post(first, "/admin/shifts/open", opening_float="10")
    mine = db.session.scalar(select(Shift).where(Shift.operator_id == first.operator.id))
    assert second.get(f"/admin/shifts/{mine.id}").status_code == 404
    assert first.get(f"/admin/shifts/{mine.id}").status_code == 200
    auditor = signed_in("auditor")
    assert auditor.get(f"/admin/shifts/{mine.id}").status_code == 200
    assert _post(auditor, "/admin/shifts/open", opening_float="10").status_code == 403
    assert db.session.scalar(select(Shift).where(Shift.operator_id == auditor.operator.id)) is None
