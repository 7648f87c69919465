"""Builds test data through the same services production uses, never by writing rows behind their back."""
import itertools
import uuid
from datetime import time

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from canteen.api.auth import key_hash, operator_token
from canteen.extensions import db
from canteen.models import Department, DinerCategory, MealPeriod, MealPrice, Operator, Person, Terminal
from canteen.services.cards import issue_card
from canteen.services.common import Actor, Rules, open_shift_of
from canteen.services.people import create_person
from canteen.services.shifts import open_shift
from canteen.services.topup import top_up

PASSWORD = "correct-horse-9"
_numbers = itertools.count(1)
# UIDs count up from a random start: unique within a run (a random part per call collided), fresh across runs.
_uid_base = uuid.uuid4().int % 16**7


def new_uid() -> str:
    """A fresh 4-byte card UID that is not a random UID (does not start with 08)."""
    return f"A{(_uid_base + next(_numbers)) % 16**7:07X}"


class World:
    """A canteen under test: departments, people with cards and money, operators, terminals."""

    def __init__(self, app):
        self.app = app
        self.session = db.session
        self.rules = Rules.from_config(app.config)
        self._cashier = None

    def actor(self, operator=None, terminal=None) -> Actor:
        """An actor with a fresh idempotency key."""
        return Actor(key=f"test:{uuid.uuid4().hex}", operator=operator, terminal=terminal)

    def category(self, code: str = "staff") -> DinerCategory:
        """A default diner category by code."""
        return self.session.scalar(select(DinerCategory).where(DinerCategory.code == code))

    def unlimited_category(self) -> DinerCategory:
        """A category with no per-meal or per-day limits."""
        category = DinerCategory(code=f"free{next(_numbers)}", name=f"不限{next(_numbers)}")
        self.session.add(category)
        self.session.flush()
        return category

    def department(self, name: str | None = None) -> Department:
        """A department (created if missing)."""
        name = name or f"部门{next(_numbers)}"
        found = self.session.scalar(select(Department).where(Department.name == name))
        if found is None:
            found = Department(code=f"D{next(_numbers)}", name=name)
            self.session.add(found)
            self.session.flush()
        return found

    def all_day_meal(self, prices: dict[str, int] | None = None, price: int = 1000) -> MealPeriod:
        """Replace the default meal periods by one open all day, every day, so taps work at any hour."""
        self.session.execute(update(MealPeriod).values(active=False))
        period = MealPeriod(code=f"allday{next(_numbers)}", name="全天", start_time=time(0, 0),
                            end_time=time(23, 59, 59, 999999), weekdays="1234567")
        self.session.add(period)
        self.session.flush()
        for category in self.session.scalars(select(DinerCategory)):
            self.session.add(MealPrice(meal_period_id=period.id, category_id=category.id,
                                       price=(prices or {}).get(category.code, price)))
        self.session.commit()
        return period

    def operator(self, role: str = "cashier", username: str | None = None) -> Operator:
        """An operator with the test password."""
        operator = Operator(username=username or f"{role}{next(_numbers)}", name=f"{role}操作员", role=role,
                            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        self.session.add(operator)
        self.session.commit()
        return operator

    def token(self, operator: Operator) -> str:
        """A bearer token for the operator."""
        return operator_token(operator)

    def terminal(self, code: str | None = None) -> tuple[Terminal, str]:
        """A terminal and its key."""
        key = uuid.uuid4().hex
        terminal = Terminal(code=code or f"T{next(_numbers)}", name="测试终端", key_hash=key_hash(key))
        self.session.add(terminal)
        self.session.commit()
        return terminal, key

    def shift_for(self, operator: Operator, opening_float: int = 0):
        """The operator's open shift (opened if needed)."""
        return open_shift_of(self.session, operator) or self._commit(
            open_shift(self.session, self.actor(operator), self.rules, opening_float=opening_float))

    def cashier(self) -> Operator:
        """The world's own cashier with an open shift, used to set people up."""
        if self._cashier is None:
            self._cashier = self.operator("cashier")
            self.shift_for(self._cashier)
        return self._cashier

    def person(self, category: DinerCategory | None = None, department: Department | None = None,
               name: str = "张三") -> Person:
        """A diner with empty wallets."""
        return self._commit(create_person(
            self.session, staff_no=f"S{next(_numbers):05d}{uuid.uuid4().hex[:4]}", name=name,
            department=department or self.department("综合科"), category=category or self.category()))

    def diner(self, cash: int = 0, deposit: int = 0, category: DinerCategory | None = None,
              department: Department | None = None, uid: str | None = None):
        """A person with an active card and `cash` fen in the cash wallet; returns (person, card)."""
        person = self.person(category, department)
        result = issue_card(self.session, self.actor(self.cashier()), self.rules, person=person,
                            uid=uid or new_uid(), deposit=deposit, top_up=cash, method="cash")
        self.session.commit()
        return person, result.card

    def top_up(self, person: Person, amount: int, method: str = "wechat"):
        """Put more money on a person's cash wallet."""
        return self._commit(top_up(self.session, self.actor(self.cashier()), self.rules, person=person,
                                   amount=amount, method=method))

    def headers(self, terminal=None, key: str | None = None, operator=None, idem: str | None = "auto") -> dict:
        """Request headers: terminal credentials, operator token and an idempotency key."""
        headers = {}
        if terminal is not None:
            headers.update({"X-Terminal-Id": terminal.code, "X-Terminal-Key": key})
        if operator is not None:
            headers["Authorization"] = f"Bearer {self.token(operator)}"
        if idem == "auto":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        elif idem is not None:
            headers["Idempotency-Key"] = idem
        return headers

    def _commit(self, value):
        self.session.commit()
        return value
