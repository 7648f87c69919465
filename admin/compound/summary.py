"""Summary figures (dicts of numbers) shown and exported as two-column reports."""
from canteen.compound.common import area
from canteen.reports.base import Column, Report


def figures_report(title: str, figures: dict, labels: dict, *, areas=(), money=()) -> Report:
    """A report of label / value rows for the figures named in `labels` (areas in dm², money in fen)."""
    rows = []
    for key, label in labels.items():
        value = figures.get(key)
        if key in areas:
            value = area(value)
        elif key in money:
            value = f"{value // 100}.{value % 100:02d}"
        rows.append({"item": label, "value": "" if value is None else str(value)})
    return Report(key="figures", title=title, columns=[Column("item", "项目"), Column("value", "数值")], rows=rows,
                  totals={key: figures.get(key) for key in labels})
