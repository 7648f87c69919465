"""The canteen's local time: meal periods and business dates are in its time zone."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from canteen.models.base import utcnow


def local(dt: datetime, tz_name: str) -> datetime:
    """`dt` (aware) in the canteen's time zone."""
    return dt.astimezone(ZoneInfo(tz_name))


def business_date(dt: datetime, tz_name: str) -> date:
    """The local calendar date an instant counts for."""
    return local(dt, tz_name).date()


__all__ = ["business_date", "local", "utcnow"]
