"""The written definitions (统计口径) of the figures the system prints: what each counts, what it leaves out,
which date it belongs to, and the rule it rests on. The definitions page, the year-end document and the
tests read them from here; the functions beside them (:mod:`canteen.figures.canteen`) compute by them.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    """One figure's definition."""

    key: str
    label: str
    unit: str
    counts: str
    leaves_out: str
    dated: str
    source: str
    #: The report that lists what the figure adds up: a canteen report key, or ``module/key`` of a service module.
    report: str


#: The canteen figures of the work summary, in the paragraph's order.
CANTEEN = (
    Definition("visits", "就餐人次（职工）", "人次",
               "职工持卡就餐的消费笔数：在食堂终端或脱机终端刷卡消费的每一笔餐费（含时段外的消费）。",
               "全额退款的消费（无论退款在哪个月办理）；报餐未就餐的扣费；来宾接待用餐（另见“供餐人次”）。",
               "就餐时的营业日（脱机消费按刷卡时间，迟到上传的不改日期）。",
               "源文档“就餐人数达…人次”；餐次规则 canteen/rules/meal_limits。", "headcount"),
    Definition("visits_all", "供餐人次（含来宾）", "人次",
               "食堂供应的全部餐次：职工就餐人次加来宾接待用餐（接待餐券）。",
               "全额退款的消费；报餐未就餐的扣费。",
               "就餐时的营业日。",
               "厨房备餐按全部用餐人数备餐（厨房页的实际人数即此口径）。", "headcount"),
    Definition("top_up", "个人充值", "元",
               "职工实际交款充值的金额：每笔充值的全额（含先抵还脱机欠款的部分），加开卡时的首次充值。",
               "押金、补贴发放、退款、工本费。",
               "交款时的营业日。",
               "源文档“个人充值…元”；充值规则 canteen/services/topup（先还欠款）。", "topups"),
    Definition("consumption", "个人消费", "元",
               "职工就餐消费金额减去其退款：报餐未就餐的扣费也是职工的支出，计入。",
               "来宾接待用餐（由部门结算）；补贴到期清零；工本费。",
               "消费按就餐日期；退款按其所退那一餐的就餐日期（跨月退款冲减原就餐月份，与就餐人次同一规则）。",
               "源文档“个人消费…元”；退款规则 canteen/services/refunds。", "consumption"),
    Definition("cancelled", "清理清退", "人次",
               "办理清退（注销就餐卡并退还余额）的人次。",
               "挂失、补卡、换卡。",
               "办理清退的营业日。",
               "源文档“清理清退…人次”。", "cards"),
    Definition("cancelled_cash", "清退现金", "元",
               "清退时以现金退还职工的金额（现金钱包余额与押金）。",
               "清退时清零的补贴余额（补贴不退现金）。",
               "办理清退的营业日。",
               "源文档“清退现金…元”；卡规则 canteen/rules/cards。", "cards"),
    Definition("cards_issued", "新办补办就餐卡", "张",
               "新办的卡和补办（挂失后补发、换卡）的卡张数。",
               "仅挂失、解挂的操作。",
               "发卡的营业日。",
               "源文档“新办补办就餐卡…张”。", "cards"),
    Definition("average_per_meal", "平均每餐就餐人数（职工）", "人",
               "每一餐（某日某餐次）就餐的不同职工人数之和，除以有职工就餐的餐数，四舍五入取整。",
               "时段外的消费（不属任何餐次，不算一餐，其人数也不计入）；来宾；全额退款和报餐未就餐的扣费。",
               "就餐时的营业日。",
               "源文档“平均每餐就餐人数约…人”；餐次 meal_period。", "headcount"),
    Definition("average_per_meal_all", "平均每餐供餐人数（含来宾）", "人",
               "每一餐的职工就餐人数加来宾用餐数之和，除以供餐的餐数，四舍五入取整。",
               "时段外的消费；全额退款和报餐未就餐的扣费。",
               "就餐时的营业日。",
               "厨房备餐口径。", "headcount"),
    Definition("busiest_lunch", "中午就餐人数最多（职工）", "人",
               "期间内午餐就餐的不同职工人数最多的一天的人数。",
               "来宾；全额退款和报餐未就餐的扣费。",
               "就餐时的营业日。",
               "源文档“中午就餐人数最多时…人”。", "headcount"),
    Definition("busiest_lunch_all", "中午供餐人数最多（含来宾）", "人",
               "期间内午餐职工就餐人数加来宾用餐数最多的一天的人数。",
               "全额退款和报餐未就餐的扣费。",
               "就餐时的营业日。",
               "厨房备餐口径。", "headcount"),
)

#: The kitchen's actual headcount (厨房页“实际”), which the forecast learns from.
KITCHEN = Definition(
    "kitchen_actual", "厨房实际用餐人数", "人次",
    "某日某餐次实际用餐的人次：职工刷卡就餐（未全额退款）加来宾接待用餐。",
    "报餐未就餐的扣费（扣了钱但没人吃）；全额退款的消费；时段外的消费。",
    "就餐时的营业日和餐次（迟到上传的脱机消费仍归其就餐的那一餐）。",
    "厨房备餐；预测 canteen/forecast。", "headcount")

#: The service modules' figures in the year-end document (what each report answers, as of which date).
COMPOUND = (
    Definition("offices_over_standard", "超标办公室", "间",
               "截至所选日期，使用面积超过在用人员职级标准（按人数合计）的办公室间数。",
               "已腾退、无人使用的房间；日期之后的改造和调换。",
               "所选日期当天的面积、在用人员和职级（按日期的历史记录）。",
               "《党政机关办公用房建设标准》（发改投资〔2014〕2674号）及 ../shared/reference。", "offices/summary"),
    Definition("rectification_measures", "整改措施", "条",
               "整改问题下制定的整改措施条数。",
               "修订完善的工作制度（另计为“制度”，不重复计入措施）。",
               "截至所选日期。",
               "巡察整改台账。", "rectification/figures"),
    Definition("energy_change", "同比", "%",
               "本年已过月份的能耗与上年同样月份的能耗相比（同口径）；全年已完则为全年对全年。",
               "上年多出的月份。",
               "按月份（抄表月份）。",
               "《公共机构能源资源消耗统计制度》。", "energy/year"),
    Definition("energy_total", "综合能耗", "千克标准煤",
               "电、水以外各类能源折标准煤之和，含公务用车加油卡的汽油、柴油（升数乘参考折标系数）。",
               "未记升数的加油（无法折算，单列提示）。",
               "按月份。",
               "《综合能耗计算通则》GB/T 2589；参考折标系数。", "energy/year"),
    Definition("waste_coverage", "垃圾分类覆盖率", "%",
               "截至所选日期（年度进行中为今天）已实施分类的单位数除以已纳入范围的单位数。",
               "所选日期之后才纳入或开始分类的单位。",
               "所选日期当天的单位分类状态（按日期的历史记录）。",
               "生活垃圾分类工作方案。", "waste/compliance"),
)


def all_definitions() -> tuple[Definition, ...]:
    """Every written definition, canteen first."""
    return (*CANTEEN, KITCHEN, *COMPOUND)


def definition(key: str) -> Definition:
    """The definition of figure `key` (KeyError when there is none)."""
    for d in all_definitions():
        if d.key == key:
            return d
    raise KeyError(key)
