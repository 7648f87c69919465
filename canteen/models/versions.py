"""Version counters the database moves itself, so server processes may cache what rarely changes.

A trigger adds one to a counter on every change of the tables it covers; a process keeps its
copy of those tables with the counter it read, and reads the counter with the work it does
anyway (a tap reads ``meal_config`` in the same statement that finds the card), so a change is
seen by the very next request in every process, without a time-to-live.
"""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id

#: Meal periods and their prices (tables ``meal_period`` and ``meal_price``).
MEAL_CONFIG = "meal_config"


class ConfigVersion(Base):
    """One counter, moved by database triggers on every change of the tables it covers."""

    __tablename__ = "config_version"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Id, default=0)
