"""Property reports: repair orders and their cost, entries, patrols, shared parking use."""
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.common import ZONE
from canteen.compound.property.models import (
    ENTRY_KINDS,
    REPAIR_STATES,
    EntryRecord,
    ParkingUse,
    ParkingWindow,
    Patrol,
    RepairOrder,
)
from canteen.compound.property.services import add_parking_window
from canteen.compound.sheets import Field, Sheet
from canteen.errors import DomainError
from canteen.models.base import fen_sum
from canteen.reports.base import Column, Report


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    first = datetime.combine(start, time(), ZONE)
    after = datetime.combine(date.fromordinal(end.toordinal() + 1), time(), ZONE)
    return first, after


def repair_report(session: Session, start: date, end: date) -> Report:
    """Repair orders reported in the period, by state, with the cost of those done."""
    first, after = _bounds(start, end)
    rows = []
    for order in session.scalars(select(RepairOrder).where(RepairOrder.reported_dt >= first,
                                                           RepairOrder.reported_dt < after)
                                 .order_by(RepairOrder.reported_dt)):
        rows.append({"reported": order.reported_dt.astimezone(ZONE).strftime("%Y-%m-%d %H:%M"),
                     "location": order.location, "description": order.description, "reporter": order.reporter,
                     "assignee": order.assignee or "", "state": REPAIR_STATES[order.state],
                     "cost": order.cost_fen or 0})
    done = [r for r in rows if r["state"] == REPAIR_STATES["done"]]
    return Report(key="repair_orders", title=f"维修工单（{start}至{end}）", columns=[
        Column("reported", "报修时间"), Column("location", "地点"), Column("description", "故障描述"),
        Column("reporter", "报修人"), Column("assignee", "维修人"), Column("state", "状态"),
        Column("cost", "费用", "fen")], rows=rows,
        totals={"orders": len(rows), "done": len(done), "cost": sum(r["cost"] for r in done)})


def property_summary(session: Session, year: int) -> dict:
    """The property paragraph's figures for a year."""
    first, after = _bounds(date(year, 1, 1), date(year, 12, 31))
    orders = session.execute(select(func.count(), fen_sum(RepairOrder.cost_fen)).where(
        RepairOrder.state == "done", RepairOrder.done_dt >= first, RepairOrder.done_dt < after)).one()
    reported = session.scalar(select(func.count()).select_from(RepairOrder).where(
        RepairOrder.reported_dt >= first, RepairOrder.reported_dt < after))
    entries = dict(session.execute(select(EntryRecord.kind, func.count()).where(
        EntryRecord.in_dt >= first, EntryRecord.in_dt < after).group_by(EntryRecord.kind)).all())
    patrols = session.scalar(select(func.count()).select_from(Patrol).where(
        Patrol.patrolled_dt >= first, Patrol.patrolled_dt < after))
    parked = session.scalar(select(func.count()).select_from(ParkingUse).where(
        ParkingUse.in_dt >= first, ParkingUse.in_dt < after))
    spaces = session.scalar(select(func.coalesce(func.sum(ParkingWindow.spaces), 0)).where(
        ParkingWindow.active.is_(True)))
    return {"repairs_reported": int(reported), "repairs_done": int(orders[0]), "repair_cost": int(orders[1]),
            **{f"entries_{kind}": int(entries.get(kind, 0)) for kind in ENTRY_KINDS},
            "patrols": int(patrols), "parking_uses": int(parked), "shared_spaces": int(spaces)}


def _clock(value: str) -> time:
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError("invalid_input", f"时间: {value}") from None


def _rows(session: Session) -> list[dict]:
    return [{"name": w.name, "spaces": w.spaces, "weekdays": w.weekdays, "opens": w.opens.strftime("%H:%M"),
             "closes": w.closes.strftime("%H:%M")}
            for w in session.scalars(select(ParkingWindow).where(ParkingWindow.active.is_(True))
                                     .order_by(ParkingWindow.name))]


def _add(session: Session, row: dict) -> None:
    if session.scalar(select(ParkingWindow.id).where(ParkingWindow.name == row["name"])):
        raise DomainError("conflict", f"{row['name']} 已登记")
    add_parking_window(session, name=row["name"], spaces=row["spaces"], weekdays=row["weekdays"],
                       opens=_clock(row["opens"]), closes=_clock(row["closes"]))


PARKING_SHEET = Sheet("parking_windows", "错时共享停车", [
    Field("name", "名称"), Field("spaces", "车位数", "int"), Field("weekdays", "开放星期（1-7）"),
    Field("opens", "开放时间"), Field("closes", "结束时间"),
], _rows, _add)
