"""What a new canteen starts with: diner categories, meal periods and their prices (all editable)."""
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import DinerCategory, MealPeriod, MealPrice

CATEGORIES = [
    # code, name, per-meal count, per-day count
    ("staff", "在编职工", 1, 3),
    ("contract", "聘用人员", 1, 3),
    ("guest", "来宾", 2, None),
]

MEAL_PERIODS = [
    # code, name, start, end, weekdays
    ("breakfast", "早餐", time(6, 30), time(9, 0), "1234567"),
    ("lunch", "午餐", time(11, 0), time(13, 30), "1234567"),
    ("dinner", "晚餐", time(17, 0), time(19, 30), "1234567"),
]

#: Fixed prices in fen per (meal period, category).
PRICES = {
    "breakfast": {"staff": 300, "contract": 400, "guest": 800},
    "lunch": {"staff": 800, "contract": 1000, "guest": 2000},
    "dinner": {"staff": 600, "contract": 800, "guest": 1500},
}


def seed_defaults(session: Session) -> bool:
    """Create the default categories, meal periods and prices if the canteen has none; True if it did."""
    if session.scalar(select(DinerCategory.id).limit(1)) is not None:
        return False
    categories = {code: DinerCategory(code=code, name=name, per_meal_count=per_meal, per_day_count=per_day)
                  for code, name, per_meal, per_day in CATEGORIES}
    periods = {code: MealPeriod(code=code, name=name, start_time=start, end_time=end, weekdays=days)
               for code, name, start, end, days in MEAL_PERIODS}
    session.add_all([*categories.values(), *periods.values()])
    session.flush()
    session.add_all(MealPrice(meal_period_id=periods[p].id, category_id=categories[c].id, price=fen)
                    for p, by_category in PRICES.items() for c, fen in by_category.items())
    session.flush()
    return True
