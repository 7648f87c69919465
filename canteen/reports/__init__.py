"""Reports: pure functions of a session and filters, returning rows and totals (no HTTP here).

Every figure a manager reads comes from the journal; the tests recompute each one from the
journal's rows.
"""
from canteen.reports.balances import balance_report, funds_summary, statement
from canteen.reports.base import Column, Filters, Report, check_filters
from canteen.reports.cards import card_report
from canteen.reports.consumption import DIMENSIONS, consumption_summary
from canteen.reports.detail import consumption_detail, topup_detail
from canteen.reports.headcount import headcount
from canteen.reports.money_in import refund_report, topup_summary
from canteen.reports.settlement import shift_settlement, terminal_daily
from canteen.reports.summary import work_summary

__all__ = [
    "Column", "DIMENSIONS", "Filters", "Report", "balance_report", "card_report", "check_filters",
    "consumption_detail", "consumption_summary", "funds_summary", "headcount", "refund_report",
    "shift_settlement", "statement", "terminal_daily", "topup_detail", "topup_summary", "work_summary",
]
