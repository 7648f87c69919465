"""Categories and limits, meal periods and prices, terminals: saved from the back office and used by the till."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import AuditEntry, DinerCategory, MealPeriod, MealPrice, Terminal
from canteen.services.meals import charge_meal
from tests.admin.conftest import csrf_of


def _last_audit():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_a_category_limit_set_here_is_enforced_at_the_till(world, signed_in):
    world.all_day_meal(price=500)
    manager = signed_in("manager")
    token = csrf_of(manager, "/admin/categories")
    category = world.category("staff")
    manager.post("/admin/categories", data={"id": category.id, "code": "staff", "name": "在编职工",
                                            "per_meal_count": "", "per_day_count": "", "per_day_amount": "9.5",
                                            "csrf_token": token})
    db.session.expire_all()
    assert (category.per_meal_count, category.per_day_amount) == (None, 950)
    _person, card = world.diner(cash=5000, category=category)
    terminal, _ = world.terminal()
    charge_meal(db.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
    db.session.commit()
    with pytest.raises(DomainError, match="daily_limit_reached"):
        charge_meal(db.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
    db.session.rollback()
    manager.post("/admin/categories", data={"code": "x y", "name": "坏", "csrf_token": token})
    assert _last_audit().result == "failed"
    assert db.session.scalar(select(DinerCategory).where(DinerCategory.name == "坏")) is None


def test_a_meal_period_and_its_prices_are_saved_together(world, signed_in):
    manager = signed_in("admin")
    token = csrf_of(manager, "/admin/meals")
    staff, guest = world.category("staff"), world.category("guest")
    form = {"code": "late", "name": "夜宵", "start_time": "21:00", "end_time": "23:30", "weekdays": "5", "active": "1",
            f"price_{staff.id}": "4.5", f"price_{guest.id}": "", "csrf_token": token}
    assert manager.post("/admin/meals", data=form).status_code == 302
    period = db.session.scalar(select(MealPeriod).where(MealPeriod.code == "late"))
    prices = {p.category_id: p.price for p in db.session.scalars(
        select(MealPrice).where(MealPrice.meal_period_id == period.id))}
    assert (period.weekdays, prices) == ("5", {staff.id: 450})
    manager.post("/admin/meals", data={**form, "start_time": "23:00", "end_time": "22:00"})
    db.session.expire_all()
    assert period.start_time.hour == 21 and _last_audit().result == "failed"
    page = manager.get("/admin/meals").get_data(as_text=True)
    assert 'name="price_%d" value="4.50"' % staff.id in page


def test_an_admin_adds_a_terminal_whose_key_is_shown_once(world, signed_in):
    admin = signed_in("admin")
    token = csrf_of(admin, "/admin/terminals")
    admin.post("/admin/terminals", data={"code": "T-NEW", "name": "新终端", "place": "一楼", "csrf_token": token})
    page = admin.get("/admin/terminals").get_data(as_text=True)
    key = page.split("终端密钥（只显示这一次，请配置到终端上）：")[1].split("<")[0]
    terminal = db.session.scalar(select(Terminal).where(Terminal.code == "T-NEW"))
    from canteen.api.auth import key_hash

    assert terminal.key_hash == key_hash(key) and key not in admin.get("/admin/terminals").get_data(as_text=True)
    terminal.last_seen_dt = datetime.now(timezone.utc)
    db.session.commit()
    assert "在线" in admin.get("/admin/terminals").get_data(as_text=True)
    assert signed_in("manager").post("/admin/terminals", data={"code": "X", "name": "x",
                                                                "csrf_token": token}).status_code in (400, 403)
