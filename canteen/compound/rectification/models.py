"""Rectification tracking (巡察整改): a round of inspection, its findings, the problems broken out of them,
the suggestions made, the measures taken, who claimed each problem and by when."""
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id

PROBLEM_STATES = {"open": "整改中", "done": "已完成", "deferred": "暂缓（经批准）"}


class RectRound(Base):
    """One inspection of the center (巡察) and the date its opinion was fed back (反馈)."""

    __tablename__ = "rect_round"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="dates"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    #: The inspecting group (区委第二巡察组).
    inspector: Mapped[str] = mapped_column(String(100))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    feedback_on: Mapped[date | None] = mapped_column(Date)


class RectFinding(Base):
    """A finding of the round, by aspect (方面) and category (类)."""

    __tablename__ = "rect_finding"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rect_round.id"), index=True)
    aspect: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class RectSuggestion(Base):
    """A rectification suggestion the inspectors made (整改建议)."""

    __tablename__ = "rect_suggestion"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("rect_finding.id"), index=True)
    text: Mapped[str] = mapped_column(Text)


class RectProblem(Base):
    """A concrete problem broken out of a finding (具体问题), claimed by a leader, due by a date."""

    __tablename__ = "rect_problem"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'done', 'deferred')", name="state"),
        CheckConstraint("(state = 'done') = (done_on IS NOT NULL)", name="done_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("rect_finding.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: The leader who claimed it (认领).
    leader: Mapped[str] = mapped_column(String(50))
    deadline: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open")
    done_on: Mapped[date | None] = mapped_column(Date)


class RectMeasure(Base):
    """A measure taken against a problem (整改措施); some are rules made or revised (制度)."""

    __tablename__ = "rect_measure"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("rect_problem.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: A rule of work made or revised (制定修订工作制度).
    is_rule: Mapped[bool] = mapped_column(default=False)
