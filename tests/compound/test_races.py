"""Races: clerks acting at once on one vehicle or one room; the row lock lets exactly one through."""
import threading
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from canteen.compound.offices.models import OfficeOccupancy, OfficeRoom
from canteen.compound.offices.services import add_building, add_room, occupy
from canteen.compound.vehicles.models import DispatchSlip, Vehicle
from canteen.compound.vehicles.services import dispatch, register_vehicle
from canteen.errors import DomainError
from canteen.extensions import db

T0 = datetime(2026, 4, 1, 1, 0, tzinfo=timezone.utc)


def _race(app, n: int, work) -> list[str]:
    """Run `work(i)` in `n` threads, each in its own app context and transaction; the outcomes."""
    db.session.commit()
    barrier = threading.Barrier(n)
    outcomes: list[str] = [""] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                work(i)
                db.session.commit()
                outcomes[i] = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcomes[i] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_overlapping_dispatches_of_one_vehicle_let_exactly_one_through(app):
    vehicle_id = register_vehicle(db.session, plate="陕A77777", vehicle_type="other", energy="gasoline", seats=5,
                                  purchase_date=date(2020, 1, 1)).id

    def work(i):
        dispatch(db.session, vehicle=db.session.get(Vehicle, vehicle_id), requester=f"用车人{i}", department="办公室",
                 purpose="公务", destination="市里", planned_out_dt=T0 + timedelta(minutes=i),
                 planned_back_dt=T0 + timedelta(hours=3), approved_by="主任", driver="司机")

    outcomes = _race(app, 6, work)
    assert sorted(outcomes) == ["ok"] + ["vehicle_busy"] * 5
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DispatchSlip)) == 1


def test_concurrent_assignments_of_one_room_let_exactly_one_through(app):
    building = add_building(db.session, name="机关东楼")
    room_id = add_room(db.session, building=building, floor=2, room_no="201", unit_name="办公室",
                       usable_area_dm2=1200).id

    def work(i):
        occupy(db.session, room=db.session.get(OfficeRoom, room_id), person_name=f"科员{i}", post="科员",
               rank_code="科级以下", start_on=date(2026, 1, 1), over_reason="登记现状")

    outcomes = _race(app, 6, work)
    assert sorted(outcomes) == ["ok"] + ["room_occupied"] * 5
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OfficeOccupancy)) == 1
