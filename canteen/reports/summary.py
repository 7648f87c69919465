"""The work summary's canteen figures (工作总结), each taken from the report that stands behind it."""
from dataclasses import dataclass

from sqlalchemy.orm import Session

from canteen.money import yuan as money_yuan
from canteen.reports.base import Filters
from canteen.reports.cards import card_report
from canteen.reports.consumption import consumption_summary
from canteen.reports.headcount import headcount
from canteen.reports.money_in import topup_summary

#: The sentence of the seed document, with a slot per figure.
TEMPLATE = ("截至目前，就餐人数达{visits}人次，个人充值{top_up}元、个人消费{consumption}元，清理清退{cancelled}人次、"
            "清退现金{cancelled_cash}元，新办补办就餐卡{cards_issued}张，平均每餐就餐人数约{average_per_meal}人。"
            "中午就餐人数最多时{busiest_lunch}人。")


@dataclass
class Figure:
    """One figure of the summary: its value as printed, the raw number, and the report behind it."""

    key: str
    label: str
    value: str
    raw: int
    report: str
    unit: str


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, ungrouped (the summary's money figures)."""
    return money_yuan(fen, grouped=False)


def work_summary(session: Session, filters: Filters) -> dict:
    """The figures of the canteen paragraph for the period, and the paragraph with them filled in."""
    heads = headcount(session, filters, count_people=False).totals  # the paragraph has no distinct count
    cards = card_report(session, filters).totals
    topups = topup_summary(session, filters).totals
    spent = consumption_summary(session, filters, by="month").totals  # only the totals: the coarsest tally
    figures = [
        Figure("visits", "就餐人次", str(heads["visits"]), heads["visits"], "headcount", "人次"),
        Figure("top_up", "个人充值", yuan(topups["amount"]), topups["amount"], "topups", "元"),
        Figure("consumption", "个人消费", yuan(spent["net"]), spent["net"], "consumption", "元"),
        Figure("cancelled", "清理清退", str(cards["cancelled"]), cards["cancelled"], "cards", "人次"),
        Figure("cancelled_cash", "清退现金", yuan(cards["cancelled_cash"]), cards["cancelled_cash"], "cards", "元"),
        Figure("cards_issued", "新办补办就餐卡", str(cards["issued"]), cards["issued"], "cards", "张"),
        Figure("average_per_meal", "平均每餐就餐人数", str(heads["average_per_meal"]), heads["average_per_meal"],
               "headcount", "人"),
        Figure("busiest_lunch", "中午就餐人数最多", str(heads["busiest_lunch"]), heads["busiest_lunch"],
               "headcount", "人"),
    ]
    return {"figures": figures, "text": TEMPLATE.format(**{f.key: f.value for f in figures}),
            "period": (filters.start, filters.end)}
