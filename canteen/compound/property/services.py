"""Property services: repair orders through their states, entries, patrols, shared parking."""
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.common import ZONE, choice, quantity, text
from canteen.compound.property.models import ENTRY_KINDS, EntryRecord, ParkingUse, ParkingWindow, Patrol, RepairOrder
from canteen.errors import DomainError


def report_repair(session: Session, *, reporter: str, location: str, description: str,
                  at: datetime) -> RepairOrder:
    """A new repair order (报修)."""
    order = RepairOrder(reporter=text(reporter, "报修人", limit=50), location=text(location, "地点", limit=200),
                        description=text(description, "故障描述", limit=4000), reported_dt=at)
    session.add(order)
    session.flush()
    return order


def _lock(session: Session, order: RepairOrder) -> RepairOrder:
    return session.scalars(select(RepairOrder).where(RepairOrder.id == order.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def assign_repair(session: Session, order: RepairOrder, *, assignee: str, at: datetime) -> RepairOrder:
    """Send a reported order to a repairer (派工)."""
    order = _lock(session, order)
    if order.state != "reported":
        raise DomainError("invalid_transition", order.state)
    order.assignee, order.assigned_dt, order.state = text(assignee, "维修人", limit=50), at, "assigned"
    session.flush()
    return order


def finish_repair(session: Session, order: RepairOrder, *, cost_fen: int, at: datetime) -> RepairOrder:
    """Close an assigned order with its cost."""
    order = _lock(session, order)
    if order.state != "assigned":
        raise DomainError("invalid_transition", order.state)
    order.cost_fen = quantity(cost_fen, "维修费用")
    order.done_dt, order.state = at, "done"
    session.flush()
    return order


def cancel_repair(session: Session, order: RepairOrder) -> None:
    """Withdraw an order not yet done."""
    order = _lock(session, order)
    if order.state not in ("reported", "assigned"):
        raise DomainError("invalid_transition", order.state)
    order.state = "cancelled"
    session.flush()


def record_entry(session: Session, *, kind: str, name: str, host: str, purpose: str, in_dt: datetime,
                 plate: str | None = None) -> EntryRecord:
    """A visitor or an outside vehicle coming in."""
    kind = choice(kind, ENTRY_KINDS, "类别")
    plate = text(plate, "车牌号", limit=16, required=kind == "vehicle")
    entry = EntryRecord(kind=kind, name=text(name, "姓名", limit=50), host=text(host, "被访单位"),
                        purpose=text(purpose, "事由", limit=200), in_dt=in_dt, plate=plate.upper() if plate else None)
    session.add(entry)
    session.flush()
    return entry


def record_exit(session: Session, entry: EntryRecord, out_dt: datetime) -> None:
    """The visitor or vehicle left."""
    if entry.out_dt is not None or out_dt < entry.in_dt:
        raise DomainError("invalid_transition", "已离开或时间早于进入")
    entry.out_dt = out_dt
    session.flush()


def record_patrol(session: Session, *, patroller: str, route: str, at: datetime, issues: str | None = None,
                  repair: RepairOrder | None = None) -> Patrol:
    """A patrol round and what it found (a repair order raised from it, if any)."""
    patrol = Patrol(patroller=text(patroller, "巡查人", limit=50), route=text(route, "巡查路线", limit=200),
                    patrolled_dt=at, issues=text(issues, "发现问题", limit=4000, required=False),
                    repair_order_id=repair.id if repair else None)
    session.add(patrol)
    session.flush()
    return patrol


def add_parking_window(session: Session, *, name: str, spaces: int, weekdays: str, opens: time,
                       closes: time) -> ParkingWindow:
    """Open spaces to the public at set times."""
    quantity(spaces, "车位数", positive=True)
    days = "".join(sorted(set(str(weekdays))))
    if not days or any(day not in "1234567" for day in days) or opens == closes:
        raise DomainError("invalid_input", f"开放时段: {weekdays} {opens}-{closes}")
    window = ParkingWindow(name=text(name, "名称"), spaces=spaces, weekdays=days, opens=opens, closes=closes)
    session.add(window)
    session.flush()
    return window


def is_open(window: ParkingWindow, at: datetime) -> bool:
    """Whether the window is open at an instant (local time; a window past midnight counts from its start day)."""
    local = at.astimezone(ZONE)
    now, day = local.time(), local.isoweekday()
    if window.opens < window.closes:
        return str(day) in window.weekdays and window.opens <= now < window.closes
    before = str((day - 2) % 7 + 1)
    return (str(day) in window.weekdays and now >= window.opens) or (before in window.weekdays
                                                                     and now < window.closes)


def park(session: Session, *, window: ParkingWindow, plate: str, at: datetime) -> ParkingUse:
    """A public car parks: refused outside the window's hours or when its spaces are all taken."""
    session.scalar(select(ParkingWindow.id).where(ParkingWindow.id == window.id).with_for_update())
    if not window.active or not is_open(window, at):
        raise DomainError("invalid_date", "不在共享开放时段")
    parked = session.scalar(select(func.count()).select_from(ParkingUse).where(
        ParkingUse.window_id == window.id, ParkingUse.out_dt.is_(None)))
    if parked >= window.spaces:
        raise DomainError("parking_full", window.name)
    use = ParkingUse(window_id=window.id, plate=text(plate, "车牌号", limit=16).upper(), in_dt=at)
    session.add(use)
    session.flush()
    return use


def leave(session: Session, use: ParkingUse, at: datetime) -> None:
    """The public car leaves."""
    if use.out_dt is not None or at < use.in_dt:
        raise DomainError("invalid_transition", "已离场或时间早于入场")
    use.out_dt = at
    session.flush()
