"""Checks and conversions every compound module shares: whole quantities, areas, months, ratios."""
import re
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from canteen.errors import DomainError

BLANK = "【待填】"
#: The compound's time zone: dates on forms and in reports are local to it.
ZONE = ZoneInfo("Asia/Shanghai")
_AREA = re.compile(r"^\d{1,10}(?:\.\d{1,2})?$")


def quantity(value, label: str, *, positive: bool = False) -> int:
    """A stored quantity: a whole, non-negative number (positive if asked), never a float."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or (positive and value == 0):
        raise DomainError("invalid_quantity", f"{label}: {value}")
    return value


def parse_area(text) -> int:
    """Square metres as written ("12.5", 12) to whole dm² (0.01 m²); negative or finer is refused."""
    raw = str(text).strip() if text is not None else ""
    if isinstance(text, float) and text.is_integer():
        raw = str(int(text))
    if not _AREA.match(raw):
        raise DomainError("invalid_quantity", f"面积: {text}")
    whole, _, cents = raw.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def area(dm2: int | None) -> str:
    """dm² shown as m² with two decimals."""
    if dm2 is None:
        return ""
    return f"{dm2 // 100}.{dm2 % 100:02d}"


def text(value, label: str, *, limit: int = 100, required: bool = True) -> str | None:
    """Trimmed text within its column's length."""
    value = (str(value).strip() if value is not None else "")
    if not value:
        if required:
            raise DomainError("invalid_input", f"{label}不能为空")
        return None
    if len(value) > limit:
        raise DomainError("invalid_input", f"{label}过长")
    return value


def local_today() -> date:
    """Today's date in the compound's time zone."""
    return datetime.now(ZONE).date()


def month_start(value: date) -> date:
    """The first day of the month a date falls in (readings and costs are kept by month)."""
    if not isinstance(value, date):
        raise DomainError("invalid_date", str(value))
    return value.replace(day=1)


def choice(value, options: dict, label: str) -> str:
    """A code from `options` (accepting the code or its Chinese label)."""
    for code, name in options.items():
        if value in (code, name):
            return code
    raise DomainError("invalid_input", f"{label}: {value}")


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """An exact ratio, or None when there is nothing to divide by."""
    return Fraction(numerator, denominator) if denominator else None


def fixed(value: Fraction | None, places: int = 2) -> str:
    """An exact ratio rounded half up for display only."""
    if value is None:
        return BLANK
    sign = "-" if value < 0 else ""
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))
    head, tail = divmod(whole, 10**places)
    return f"{sign}{head}.{tail:0{places}d}" if places else f"{sign}{head}"


def percent(value: Fraction | None, places: int = 1) -> str:
    """A ratio as a percentage for display."""
    return BLANK if value is None else fixed(value * 100, places) + "%"
