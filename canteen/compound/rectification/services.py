"""Rectification services: rounds, findings, suggestions, problems, measures, completion."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import text
from canteen.compound.rectification.models import RectFinding, RectMeasure, RectProblem, RectRound, RectSuggestion
from canteen.errors import DomainError


def add_round(session: Session, *, title: str, inspector: str, start_on: date, end_on: date,
              feedback_on: date | None = None) -> RectRound:
    """An inspection round of the center."""
    title = text(title, "巡察名称", limit=200)
    if end_on < start_on or (feedback_on is not None and feedback_on < start_on):
        raise DomainError("invalid_date", f"{start_on}—{end_on}")
    if session.scalar(select(RectRound.id).where(RectRound.title == title)):
        raise DomainError("conflict", f"{title} 已登记")
    row = RectRound(title=title, inspector=text(inspector, "巡察组"), start_on=start_on, end_on=end_on,
                    feedback_on=feedback_on)
    session.add(row)
    session.flush()
    return row


def round_titled(session: Session, title: str) -> RectRound:
    """A round by title."""
    row = session.scalar(select(RectRound).where(RectRound.title == str(title).strip()))
    if row is None:
        raise DomainError("not_found", f"巡察 {title}")
    return row


def add_finding(session: Session, *, round_: RectRound, aspect: str, category: str, text_: str,
                suggestions: list[str] = ()) -> RectFinding:
    """A finding under an aspect and category, with the suggestions made on it."""
    finding = RectFinding(round_id=round_.id, aspect=text(aspect, "方面"), category=text(category, "类别"),
                          text=text(text_, "问题表述", limit=4000))
    session.add(finding)
    session.flush()
    for line in suggestions:
        session.add(RectSuggestion(finding_id=finding.id, text=text(line, "整改建议", limit=4000)))
    session.flush()
    return finding


def add_problem(session: Session, *, finding: RectFinding, text_: str, leader: str, deadline: date,
                measures: list[str] = (), rules: list[str] = ()) -> RectProblem:
    """A concrete problem, claimed by a leader, with its measures (rules made or revised among them)."""
    problem = RectProblem(finding_id=finding.id, text=text(text_, "具体问题", limit=4000),
                          leader=text(leader, "认领领导", limit=50), deadline=deadline)
    session.add(problem)
    session.flush()
    for line in measures:
        add_measure(session, problem=problem, text_=line)
    for line in rules:
        add_measure(session, problem=problem, text_=line, is_rule=True)
    return problem


def add_measure(session: Session, *, problem: RectProblem, text_: str, is_rule: bool = False) -> RectMeasure:
    """A measure against a problem."""
    measure = RectMeasure(problem_id=problem.id, text=text(text_, "整改措施", limit=4000), is_rule=bool(is_rule))
    session.add(measure)
    session.flush()
    return measure


def complete_problem(session: Session, problem: RectProblem, on: date) -> None:
    """Mark a problem rectified (it needs at least one measure)."""
    if problem.state == "done":
        raise DomainError("invalid_transition", "已完成整改")
    if not session.scalar(select(RectMeasure.id).where(RectMeasure.problem_id == problem.id).limit(1)):
        raise DomainError("invalid_transition", "尚未制定整改措施")
    problem.state, problem.done_on = "done", on
    session.flush()


def defer_problem(session: Session, problem: RectProblem) -> None:
    """Defer a hard problem with approval (it stays in the ledger as not done)."""
    if problem.state != "open":
        raise DomainError("invalid_transition", "只能暂缓整改中的问题")
    problem.state = "deferred"
    session.flush()
