"""Rectification tracking (巡察整改) in the back office: rounds, findings by aspect and category with the
suggestions made, the problems broken out of them with their leader, deadline and measures; the
ledger and the figures the work summary quotes."""
from admin.compound.spec import Action, Input, Module, ReportSpec, Resource, by_key
from admin.compound.summary import figures_report
from canteen.compound.common import local_today
from canteen.compound.rectification import services as svc
from canteen.compound.rectification.models import PROBLEM_STATES, RectFinding, RectProblem, RectRound
from canteen.compound.rectification.reports import PROBLEM_SHEET, problem_ledger, rectification_figures
from canteen.extensions import db


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _finding(problem: RectProblem) -> RectFinding:
    return db.session.get(RectFinding, problem.finding_id)


ROUND = Input("round", "巡察", "ref", model=RectRound, show=lambda r: r.title)
FIGURES = {"aspects": "方面", "categories": "类问题", "suggestions": "整改建议（条）", "problems": "具体问题（个）",
           "measures": "整改措施（条）", "rules": "制定修订制度（项）", "done": "已完成整改（个）", "undone": "未完成（个）"}

RESOURCES = by_key(
    Resource("rounds", "巡察", RectRound, [
        ("巡察", lambda r: r.title), ("巡察组", lambda r: r.inspector), ("开始", lambda r: r.start_on),
        ("结束", lambda r: r.end_on), ("反馈", lambda r: r.feedback_on or "")],
        inputs=[Input("title", "巡察名称"), Input("inspector", "巡察组"), Input("start_on", "开始日期", "date"),
                Input("end_on", "结束日期", "date"), Input("feedback_on", "反馈日期", "date", False)],
        create=lambda s, v: svc.add_round(s, title=v["title"], inspector=v["inspector"], start_on=v["start_on"],
                                          end_on=v["end_on"], feedback_on=v["feedback_on"])),
    Resource("findings", "反馈问题", RectFinding, [
        ("巡察", lambda f: db.session.get(RectRound, f.round_id).title), ("方面", lambda f: f.aspect),
        ("类别", lambda f: f.category), ("问题表述", lambda f: f.text)],
        inputs=[ROUND, Input("aspect", "方面"), Input("category", "类别"), Input("text", "问题表述", "textarea"),
                Input("suggestions", "整改建议（每行一条）", "textarea", False)],
        create=lambda s, v: svc.add_finding(s, round_=v["round"], aspect=v["aspect"], category=v["category"],
                                            text_=v["text"], suggestions=_lines(v["suggestions"]))),
    Resource("problems", "具体问题", RectProblem, [
        ("方面", lambda p: _finding(p).aspect), ("类别", lambda p: _finding(p).category), ("具体问题", lambda p: p.text),
        ("认领领导", lambda p: p.leader), ("时限", lambda p: p.deadline), ("状态", lambda p: PROBLEM_STATES[p.state]),
        ("完成", lambda p: p.done_on or "")],
        inputs=[Input("finding", "反馈问题", "ref", model=RectFinding,
                      show=lambda f: f"{f.aspect}·{f.category}：{f.text[:30]}"),
                Input("text", "具体问题", "textarea"), Input("leader", "认领领导"), Input("deadline", "整改时限", "date"),
                Input("measures", "整改措施（每行一条）", "textarea", False),
                Input("rules", "制定修订制度（每行一条）", "textarea", False)],
        create=lambda s, v: svc.add_problem(s, finding=v["finding"], text_=v["text"], leader=v["leader"],
                                            deadline=v["deadline"], measures=_lines(v["measures"]),
                                            rules=_lines(v["rules"])),
        actions=[Action("measure", "增加措施", [Input("text", "整改措施"), Input("is_rule", "属于制度", "bool")],
                        lambda s, p, v: svc.add_measure(s, problem=p, text_=v["text"], is_rule=v["is_rule"]),
                        when=lambda p: p.state != "done"),
                 Action("complete", "完成整改", [Input("on", "完成日期", "date")],
                        lambda s, p, v: svc.complete_problem(s, p, v["on"]), when=lambda p: p.state != "done"),
                 Action("defer", "暂缓", [], lambda s, p, v: svc.defer_problem(s, p),
                        when=lambda p: p.state == "open")],
        sheet=PROBLEM_SHEET),
)


def _figures(session, v):
    figures = rectification_figures(session, v["round"], v["on"])
    report = figures_report(f"{v['round'].title}整改数据（截至 {v['on']}）", figures, FIGURES)
    report.notes = [f"{leader}同志认领{n}项" for leader, n in sorted(figures["claims"].items())]
    return report


MODULE = Module("rectification", "巡察整改", RESOURCES, by_key(
    ReportSpec("ledger", "整改台账", [ROUND], lambda s, v: problem_ledger(s, v["round"])),
    ReportSpec("figures", "整改数据", [ROUND, Input("on", "截至日期", "date")], _figures,
               defaults=lambda: {"on": local_today().isoformat()}),
))
