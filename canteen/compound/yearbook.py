"""The year-end work summary (年度工作总结) in the seed document's shape, every known figure filled in.

Each paragraph is a template with named slots. A slot the system knows is filled from the module
report behind it; a slot it cannot know stays a marked blank (【待填】) for the author. Canteen
figures come in as a plain mapping (the canteen work-summary report's printed values).
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import BLANK, area, fixed, percent
from canteen.compound.energy.reports import change, energy_report, like_for_like
from canteen.compound.offices.reports import office_return, office_summary
from canteen.compound.property.reports import property_summary, repair_report
from canteen.compound.rectification.models import RectRound
from canteen.compound.rectification.reports import problem_ledger, rectification_figures
from canteen.compound.vehicles.reports import vehicle_accounting, vehicle_ledger, vehicle_summary
from canteen.compound.waste.reports import compliance_report, waste_summary
from canteen.figures.definitions import CANTEEN as CANTEEN_DEFINITIONS
from canteen.figures.definitions import all_definitions
from canteen.reports.base import Column, Report

#: The canteen figures the seed's canteen paragraph quotes (keys of the canteen work-summary report).
CANTEEN_KEYS = tuple(d.key for d in CANTEEN_DEFINITIONS)
CANTEEN_LABELS = {d.key: d.label + (f"（{d.unit}）" if d.unit == "元" else "") for d in CANTEEN_DEFINITIONS}

RECTIFICATION = (
    "根据区委部署，{start}至{end}，{inspector}对区机关事务服务中心党组进行了常规巡察，{feedback}反馈了巡察意见，"
    "指出{aspects}方面{categories}类问题，提出整改建议{suggestions}条。我中心党组对反馈意见细化分解具体问题{problems}个，"
    "制定整改措施{measures}条，目前，已完成整改问题{done}个，未完成{undone}个，整改工作取得阶段性成效。"
    "巡察整改任务的{problems}项问题中，{claims}。中心党组根据整改措施和方案安排，制定修订完善了{rules}项工作制度。"
    "区事务中心有{warned}名工作人员受到党内警告处分，{admonished}名工作人员被诫勉谈话，{reminded}名工作人员被提醒谈话。")
OFFICES = (
    "统筹做好全区办公用房问题排查整治及整改调配工作。全区登记办公用房{rooms}间，使用面积{area}平方米，"
    "现有超标办公室{over_standard}间。一是截至目前，本次共计整改区级领导超标办公室{top_total}套，其中：工程改造"
    "{top_engineering}套；调换{top_swap}套。二是{middle_name}超标办公室已完成工程改造{middle_engineering}套，调换"
    "{middle_swap}套。三是完成{project_names}等{projects_audited}个工程的结算审计工作。")
ENERGY = (
    "注重节能降耗，做好“节约型机关”创建工作。{span}综合能耗{coal}千克标准煤，人均综合能耗{per_person}千克标准煤/人"
    "（同比{per_person_change}），单位建筑面积能耗{per_m2}千克标准煤/平方米（同比{per_m2_change}），人均用水量"
    "{water}立方米/人。及时处置老旧高耗能公务用车{disposed}辆，新建新能源车充电桩{piles_built}个。")
VEHICLES = (
    "依托公车平台，抓强公务用车管理。全区{fleet}辆公务用车（编制{quota}辆）全部纳入台账管理，"
    "全年派车{trips}次，行驶{distance_km}公里，单车核算支出合计{vehicle_cost}元，按月公示。")
WASTE = (
    "做好党政机构垃圾分类管理。当前已完成党政机关和牵头负责的公共机构生活垃圾分类{coverage}覆盖率"
    "（{sorting}个已实施分类单位÷{scope}个纳入范围单位），已达标的垃圾分类市级示范单位有{demo_units}家。"
    "在机关大院{points}个生活垃圾投放点定时定点引导、监督规范投放。")
CANTEEN = (
    "全面改善机关工作人员就餐质量。职工餐厅就餐人数不断攀升，中午就餐人数最多时达{busiest_lunch}人。截至目前，"
    "就餐人数达{visits}人次，个人充值{top_up}元、个人消费{consumption}元，清理清退{cancelled}人次、清退现金"
    "{cancelled_cash}元，新办补办就餐卡{cards_issued}张，平均每餐就餐人数约{average_per_meal}人。"
    "含来宾接待用餐，共供餐{visits_all}人次，平均每餐供餐约{average_per_meal_all}人，中午供餐最多时{busiest_lunch_all}人。")
PROPERTY = (
    "建章立制，保障机关日常运营。全年受理报修{repairs_reported}件，完成维修{repairs_done}件，维修费用{repair_cost}元；"
    "登记来访人员{entries_visitor}人次、外来车辆{entries_vehicle}辆次；开展巡查{patrols}次；错时共享停车开放车位"
    "{shared_spaces}个，共享停车{parking_uses}车次。")
PROBLEMS = (
    "公车平台车辆缺编{short}辆，现有公务车辆老化，公车平台不能满足目前公车出行要求；中心目前{sections}个科室，"
    "实际工作人员{staff}人。")


#: What a module with nothing recorded for the year prints.
NO_DATA = "无数据（本年度该模块尚未登记任何记录）。"


@dataclass
class Paragraph:
    """One paragraph: its template, the values of its slots (None: unknown), and the text."""

    heading: str
    template: str
    values: dict
    #: The module has no records for the year: the paragraph says so instead of printing zeros.
    empty: bool = False

    @property
    def text(self) -> str:
        if self.empty:
            return NO_DATA
        return self.template.format_map({k: BLANK if v is None else v for k, v in self.values.items()})


@dataclass
class Yearbook:
    """The document: title, paragraphs in the seed's order, and the tables behind them."""

    year: int
    title: str
    paragraphs: list[Paragraph]
    appendix: list[Report] = field(default_factory=list)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _round(session: Session, year: int) -> RectRound | None:
    return session.scalar(select(RectRound).where(RectRound.start_on >= date(year, 1, 1),
                                                  RectRound.start_on <= date(year, 12, 31))
                          .order_by(RectRound.start_on.desc()).limit(1))


def _rectification(session: Session, year: int, appendix: list) -> dict:
    round_ = _round(session, year)
    keys = ("start", "end", "inspector", "feedback", "aspects", "categories", "suggestions", "problems",
            "measures", "done", "undone", "claims", "rules", "warned", "admonished", "reminded")
    values = dict.fromkeys(keys)
    if round_ is not None:
        f = rectification_figures(session, round_, date(year, 12, 31))
        claims = "、".join(f"{leader}同志认领{n}项" for leader, n in sorted(f["claims"].items())) or None
        values |= {k: f[k] for k in ("aspects", "categories", "suggestions", "problems", "measures", "done",
                                     "undone", "rules")}
        values |= {"start": f"{round_.start_on:%Y年%m月%d日}", "end": f"{round_.end_on:%m月%d日}",
                   "inspector": round_.inspector, "claims": claims,
                   "feedback": f"{round_.feedback_on:%Y年%m月%d日}" if round_.feedback_on else None}
        appendix.append(problem_ledger(session, round_))
    return values


def build(session: Session, year: int, canteen: dict | None = None) -> Yearbook:
    """The year's work summary from every module (and the canteen figures given)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    appendix: list[Report] = []
    offices = office_summary(session, year)
    offices_v = {k: offices[k] for k in ("rooms", "over_standard", "top_total", "top_engineering", "top_swap",
                                         "middle_engineering", "middle_swap", "projects_audited", "middle_name")}
    offices_v |= {"area": area(offices["area_dm2"]),
                  "project_names": "、".join(f"“{n}”" for n in offices["project_names"]) or "有关"}
    this, before = like_for_like(session, year)  # 同比 over the same months of both years
    cars = vehicle_summary(session, year)
    accounting = vehicle_accounting(session, first, last)
    energy_v = {"span": "全年" if this.months >= 12 else f"1—{this.months}月",
                "coal": fixed(this.coal_kg) if this.coal_mg else None,
                "per_person": fixed(this.per_person) if this.per_person is not None else None,
                "per_m2": fixed(this.per_m2) if this.per_m2 is not None else None,
                "water": fixed(this.water_per_person) if this.water_per_person is not None else None,
                "per_person_change": _change(change(this.per_person, before.per_person)),
                "per_m2_change": _change(change(this.per_m2, before.per_m2)),
                "disposed": cars["disposed"], "piles_built": cars["piles_built"]}
    vehicles_v = {k: cars[k] for k in ("fleet", "quota", "trips", "distance_km")} | {
        "vehicle_cost": _yuan(accounting.totals["total"])}
    waste = waste_summary(session, year)
    waste_v = {"coverage": percent(waste["coverage"]) if waste["coverage"] is not None else None,
               "sorting": waste["sorting"], "scope": waste["scope"], "demo_units": waste["demo_units"],
               "points": waste["points"]}
    prop = property_summary(session, year)
    prop_v = dict(prop) | {"repair_cost": _yuan(prop["repair_cost"])}
    canteen_v = {k: (canteen or {}).get(k) for k in CANTEEN_KEYS}
    paragraphs = [
        Paragraph("（一）重落实，让巡察整改常态化", RECTIFICATION, _rectification(session, year, appendix)),
        Paragraph("（二）办公用房管理", OFFICES, offices_v, empty=not offices["rooms"]),
        Paragraph("（三）节能降耗", ENERGY, energy_v,
                  empty=not (this.coal_mg or any(this.use_c.values()) or cars["disposed"] or cars["piles_built"])),
        Paragraph("（四）公务用车管理", VEHICLES, vehicles_v,
                  empty=not (cars["fleet"] or cars["quota"] or cars["trips"] or accounting.totals["total"])),
        Paragraph("（五）垃圾分类", WASTE, waste_v, empty=not (waste["scope"] or waste["points"] or waste["demo_units"])),
        Paragraph("（六）机关食堂", CANTEEN, canteen_v),
        Paragraph("（七）物业服务", PROPERTY, prop_v, empty=not any(v for k, v in prop.items())),
        Paragraph("二、存在问题", PROBLEMS, {"short": cars["short"], "sections": None, "staff": None}),
        Paragraph(f"三、{year + 1}年工作计划", "{plan}", {"plan": None}),
    ]
    appendix += [office_return(session, last), vehicle_ledger(session, last), accounting,
                 energy_report(session, year), compliance_report(session, first, last),
                 repair_report(session, first, last), _canteen_table(canteen_v), definitions_table()]
    return Yearbook(year, f"区机关事务服务中心{year}年工作总结", paragraphs, appendix)


def _change(value) -> str | None:
    return None if value is None else ("下降" + percent(-value) if value < 0 else "上升" + percent(value))


def _canteen_table(values: dict) -> Report:
    rows = [{"item": CANTEEN_LABELS[k], "value": BLANK if values[k] is None else str(values[k])}
            for k in CANTEEN_KEYS]
    return Report(key="canteen_figures", title="机关食堂主要数据", columns=[Column("item", "项目"),
                                                                      Column("value", "数值")], rows=rows)


def definitions_table() -> Report:
    """The definitions (统计口径) of every figure the document quotes."""
    rows = [{"item": f"{d.label}（{d.unit}）", "counts": d.counts, "leaves_out": d.leaves_out, "dated": d.dated,
             "source": d.source} for d in all_definitions()]
    return Report(key="definitions", title="统计口径", rows=rows, columns=[
        Column("item", "指标"), Column("counts", "统计什么"), Column("leaves_out", "不统计什么"),
        Column("dated", "归属日期"), Column("source", "依据")])
