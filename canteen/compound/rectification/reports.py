"""Rectification reports: the ledger of problems and the figures the work summary quotes."""
from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.rectification.models import (
    PROBLEM_STATES,
    RectFinding,
    RectMeasure,
    RectProblem,
    RectRound,
    RectSuggestion,
)
from canteen.compound.rectification.services import add_finding, add_problem, complete_problem, round_titled
from canteen.compound.sheets import Field, Sheet
from canteen.reports.base import Column, Report


def rectification_figures(session: Session, round_: RectRound, on: date | None = None) -> dict:
    """指出x方面x类问题，提出整改建议x条，细化分解具体问题x个，制定整改措施x条，已完成x个，未完成x个 (as of `on`)."""
    findings = list(session.scalars(select(RectFinding).where(RectFinding.round_id == round_.id)))
    ids = [f.id for f in findings]
    problems = list(session.scalars(select(RectProblem).where(RectProblem.finding_id.in_(ids)))) if ids else []
    measures = list(session.scalars(select(RectMeasure).where(
        RectMeasure.problem_id.in_([p.id for p in problems])))) if problems else []
    suggestions = len(list(session.scalars(select(RectSuggestion.id).where(RectSuggestion.finding_id.in_(ids))))) \
        if ids else 0
    done = [p for p in problems if p.state == "done" and (on is None or p.done_on <= on)]
    return {"aspects": len({f.aspect for f in findings}), "categories": len({(f.aspect, f.category) for f in findings}),
            # 整改措施 leaves the rules out: the text counts them once, as 完善了x项工作制度.
            "suggestions": suggestions, "problems": len(problems),
            "measures": sum(1 for m in measures if not m.is_rule),
            "rules": sum(1 for m in measures if m.is_rule), "done": len(done), "undone": len(problems) - len(done),
            "claims": dict(Counter(p.leader for p in problems))}


def problem_ledger(session: Session, round_: RectRound) -> Report:
    """Every problem of a round with its finding, leader, deadline, measures and state."""
    rows = []
    for problem, finding in session.execute(
            select(RectProblem, RectFinding).join(RectFinding, RectFinding.id == RectProblem.finding_id)
            .where(RectFinding.round_id == round_.id).order_by(RectFinding.id, RectProblem.id)).all():
        measures = session.scalars(select(RectMeasure.text).where(RectMeasure.problem_id == problem.id,
                                                                  RectMeasure.is_rule.is_(False))
                                   .order_by(RectMeasure.id)).all()
        rows.append({"aspect": finding.aspect, "category": finding.category, "problem": problem.text,
                     "leader": problem.leader, "deadline": problem.deadline, "measures": "；".join(measures),
                     "state": PROBLEM_STATES[problem.state], "done_on": problem.done_on})
    figures = rectification_figures(session, round_)
    return Report(key="rect_ledger", title=f"{round_.title}整改台账", columns=[
        Column("aspect", "方面"), Column("category", "类别"), Column("problem", "具体问题"),
        Column("leader", "认领领导"),
        Column("deadline", "整改时限", "date"), Column("measures", "整改措施"), Column("state", "状态"),
        Column("done_on", "完成日期", "date")], rows=rows, totals=figures,
        notes=[f"指出{figures['aspects']}方面{figures['categories']}类问题，提出整改建议{figures['suggestions']}条；"
               f"细化分解具体问题{figures['problems']}个，制定整改措施{figures['measures']}条"
               f"（不含制定修订的工作制度{figures['rules']}项）；"
               f"已完成整改问题{figures['done']}个，未完成{figures['undone']}个。"])


def _split(value) -> list[str]:
    return [part.strip() for part in str(value or "").split("；") if part.strip()]


def _rows(session: Session) -> list[dict]:
    out = []
    for problem, finding, round_ in session.execute(
            select(RectProblem, RectFinding, RectRound).join(RectFinding, RectFinding.id == RectProblem.finding_id)
            .join(RectRound, RectRound.id == RectFinding.round_id).order_by(RectProblem.id)).all():
        measures = list(session.scalars(select(RectMeasure).where(RectMeasure.problem_id == problem.id)
                                        .order_by(RectMeasure.id)))
        suggestions = session.scalars(select(RectSuggestion.text).where(RectSuggestion.finding_id == finding.id)
                                      .order_by(RectSuggestion.id)).all()
        out.append({"round": round_.title, "aspect": finding.aspect, "category": finding.category,
                    "finding": finding.text, "suggestions": "；".join(suggestions), "problem": problem.text,
                    "leader": problem.leader, "deadline": problem.deadline,
                    "measures": "；".join(m.text for m in measures if not m.is_rule),
                    "rules": "；".join(m.text for m in measures if m.is_rule), "done_on": problem.done_on})
    return out


def _add(session: Session, row: dict) -> None:
    round_ = round_titled(session, row["round"])
    finding = session.scalar(select(RectFinding).where(
        RectFinding.round_id == round_.id, RectFinding.aspect == row["aspect"],
        RectFinding.category == row["category"], RectFinding.text == row["finding"]))
    if finding is None:
        finding = add_finding(session, round_=round_, aspect=row["aspect"], category=row["category"],
                              text_=row["finding"], suggestions=_split(row["suggestions"]))
    problem = add_problem(session, finding=finding, text_=row["problem"], leader=row["leader"],
                          deadline=row["deadline"], measures=_split(row["measures"]), rules=_split(row["rules"]))
    if row["done_on"]:
        complete_problem(session, problem, row["done_on"])


PROBLEM_SHEET = Sheet("rect_problems", "巡察整改问题", [
    Field("round", "巡察"), Field("aspect", "方面"), Field("category", "类别"), Field("finding", "问题表述"),
    Field("suggestions", "整改建议（；分隔）", required=False), Field("problem", "具体问题"),
    Field("leader", "认领领导"), Field("deadline", "整改时限", "date"),
    Field("measures", "整改措施（；分隔）", required=False), Field("rules", "制定修订制度（；分隔）", required=False),
    Field("done_on", "完成日期", "date", required=False),
], _rows, _add)
