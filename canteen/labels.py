"""The words people read for the codes the database stores: statuses, events, roles, audit actions, sources.

One definition each, in Chinese with an English rendering (like :data:`canteen.errors.CODES`); the back office's
pages and its exports both read them through :func:`label`. A code with no entry reads as itself, so a new code
shows up rather than disappearing.

The journal's entry kinds and payment methods keep their Chinese words in :mod:`canteen.reports.base` (the reports'
columns use them); their English is added here.
"""
from canteen.reports.base import KIND_LABELS, METHOD_LABELS

_KIND_EN = {"card_issue": "Card issued", "top_up": "Top-up", "meal": "Meal", "refund": "Refund", "card_fee": "Card fee",
            "cancel": "Account cancelled", "subsidy": "Subsidy", "subsidy_expiry": "Subsidy expired"}
_METHOD_EN = {"cash": "Cash", "wechat": "WeChat Pay", "alipay": "Alipay", "bank": "Bank transfer",
              "wallet": "Card balance", "fund": "Subsidy fund"}

#: kind -> code -> (Chinese, English)
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "role": {
        "admin": ("管理员", "Administrator"),
        "manager": ("主管", "Manager"),
        "auditor": ("审计员", "Auditor"),
        "cashier": ("收银员", "Cashier"),
    },
    "card_state": {
        "active": ("正常", "Active"),
        "lost": ("已挂失", "Reported lost"),
        "replaced": ("已补卡停用", "Replaced"),
        "cancelled": ("已注销", "Cancelled"),
    },
    "card_event": {
        "issued": ("发卡", "Issued"),
        "lost": ("挂失", "Reported lost"),
        "unfrozen": ("解挂", "Unfrozen"),
        "replaced": ("补卡（旧卡停用）", "Replaced"),
        "cancelled": ("注销", "Cancelled"),
    },
    "person_state": {
        "active": ("在用", "Active"),
        "cancelled": ("已清退", "Cancelled"),
    },
    "audit_result": {
        "ok": ("成功", "Succeeded"),
        "failed": ("失败", "Failed"),
        "denied": ("无权限", "Denied"),
        "locked": ("已锁定", "Locked"),
        "error": ("出错", "Error"),
    },
    "audit_action": {
        "login": ("登录", "Sign in"),
        "logout": ("退出", "Sign out"),
        "password.change": ("修改密码", "Change password"),
        "session.expired": ("会话过期", "Session expired"),
        "person.create": ("登记人员", "Register person"),
        "person.edit": ("修改人员", "Edit person"),
        "person.import": ("导入名单", "Import roster"),
        "card.cancel": ("清退", "Cancel account"),
        "card.reissue": ("补卡", "Reissue card"),
        "card.report_loss": ("挂失", "Report card lost"),
        "card.unfreeze": ("解挂", "Unfreeze card"),
        "calendar.set": ("设置节假日", "Set calendar day"),
        "calendar.delete": ("删除节假日", "Delete calendar day"),
        "category.save": ("保存人员类别", "Save category"),
        "department.save": ("保存部门", "Save department"),
        "meal_period.save": ("保存餐次与价格", "Save meal and prices"),
        "terminal.save": ("保存终端", "Save terminal"),
        "operator.create": ("新建操作员", "Create operator"),
        "operator.edit": ("修改操作员", "Edit operator"),
        "shift.open": ("开班", "Open shift"),
        "shift.close": ("交班", "Close shift"),
        "subsidy.issue": ("发放补贴", "Issue subsidy"),
        "subsidy.expire": ("补贴到期清零", "Expire subsidy"),
        "offline_gap.resolve": ("处理脱机缺号", "Resolve offline gap"),
        "guest_meal.request": ("申请接待用餐", "Request guest meal"),
        "guest_meal.approve": ("批准接待用餐", "Approve guest meal"),
        "guest_meal.reject": ("驳回接待用餐", "Reject guest meal"),
        "guest_meal.cancel": ("撤销接待用餐", "Cancel guest meal"),
    },
    "request_state": {
        "pending": ("待审批", "Pending"),
        "approved": ("已批准", "Approved"),
        "rejected": ("已驳回", "Rejected"),
        "cancelled": ("已撤销", "Cancelled"),
    },
    "gap_kind": {
        "gap": ("缺号", "Gap"),
        "filled": ("已补齐", "Filled"),
        "unsynced": ("终端待同步", "Awaiting sync"),
    },
    #: The report a work-summary figure comes from (canteen.reports.summary.Figure.report).
    "summary_source": {
        "headcount": ("就餐人次与人数", "Meals and diners"),
        "topups": ("充值汇总", "Top-ups"),
        "consumption": ("消费汇总", "Consumption"),
        "cards": ("卡片报表", "Cards"),
    },
    "entry_kind": {code: (zh, _KIND_EN.get(code, zh)) for code, zh in KIND_LABELS.items()},
    "method": {code: (zh, _METHOD_EN.get(code, zh)) for code, zh in METHOD_LABELS.items()},
    "expiry_rule": {
        "carry": ("结转", "Carry over"),
        "zero": ("到期清零", "Expires to zero"),
    },
}


def label(kind: str, code, lang: str = "zh") -> str:
    """The word for `code` of `kind` in Chinese (default) or English (`lang` starting with ``en``); an unknown
    code as itself, None as ""."""
    if code is None:
        return ""
    pair = LABELS.get(kind, {}).get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if str(lang).startswith("en") else pair[0]
