"""The work summary's canteen figures (工作总结): each from :mod:`canteen.figures`, by its written definition."""
from sqlalchemy.orm import Session

from canteen.figures.canteen import Figure, canteen_figures
from canteen.money import yuan as money_yuan
from canteen.reports.base import Filters

#: The sentence of the seed document, with a slot per figure (diners' figures, as the seed means them).
TEMPLATE = ("截至目前，就餐人数达{visits}人次，个人充值{top_up}元、个人消费{consumption}元，清理清退{cancelled}人次、"
            "清退现金{cancelled_cash}元，新办补办就餐卡{cards_issued}张，平均每餐就餐人数约{average_per_meal}人。"
            "中午就餐人数最多时{busiest_lunch}人。")
#: The sentence on all meals served, guests included (left out when the filters name departments or categories).
WITH_GUESTS = "含来宾接待用餐，共供餐{visits_all}人次，平均每餐供餐约{average_per_meal_all}人，中午供餐最多时{busiest_lunch_all}人。"

__all__ = ["TEMPLATE", "WITH_GUESTS", "Figure", "work_summary", "yuan"]


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, ungrouped (the summary's money figures)."""
    return money_yuan(fen, grouped=False)


def work_summary(session: Session, filters: Filters) -> dict:
    """The figures of the canteen paragraph for the period, and the paragraph with them filled in."""
    figures = canteen_figures(session, filters)
    values = {f.key: f.value for f in figures}
    text = TEMPLATE.format(**values)
    if all(f.raw is not None for f in figures):
        text += WITH_GUESTS.format(**values)
    return {"figures": figures, "text": text, "period": (filters.start, filters.end)}
