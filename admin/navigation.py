"""The back office's menu: five groups (日常 / 卡务 / 报表 / 事务中心 / 设置), each link shown only to the roles
that may open it (the same roles as the view's :func:`admin.security.requires`), the current page marked, and the
breadcrumbs (首页 › group › page).

Templates get ``nav`` (the groups this operator sees) and ``crumbs`` from the context processor below.
"""
from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin.blueprint import bp

ALL = ("admin", "manager", "auditor", "cashier")
READERS = ("admin", "manager", "auditor")


@dataclass(frozen=True)
class Link:
    """A menu entry: its endpoint, words, the roles that see it, and the endpoints that belong to it."""

    endpoint: str
    label: object
    roles: tuple = READERS
    #: Other endpoints (or prefixes ending in ``_``/``.``) whose pages count as this entry's.
    also: tuple = ()
    #: Shown only when the self-service pages (and their back-office pages) are served.
    diner: bool = False
    args: dict = field(default_factory=dict)

    def owns(self, endpoint: str | None) -> bool:
        """Whether the page at `endpoint` belongs to this entry."""
        if not endpoint:
            return False
        return endpoint == self.endpoint or any(
            endpoint == other or (other.endswith(("_", ".")) and endpoint.startswith(other)) for other in self.also)


@dataclass(frozen=True)
class Group:
    """A menu group."""

    key: str
    label: object
    links: tuple


GROUPS = (
    Group("daily", _l("日常"), (
        Link("admin.index", _l("首页"), ALL),
        Link("admin.dashboard", _l("实时看板")),
        Link("admin.kitchen", _l("厨房备餐")),
        Link("admin.guest_meals", _l("接待用餐"), also=("admin.guest_meal_",)),
        Link("diner_admin.bookings", _l("报餐管理"), diner=True, also=("diner_admin.booking_", "diner_admin.secretary")),
        Link("admin.shifts", _l("收银班次"), ALL, also=("admin.shift",)),
    )),
    Group("cards", _l("卡务"), (
        Link("admin.people", _l("人员与卡片"), also=("admin.person", "admin.person_", "admin.people_", "admin.card_")),
        Link("admin.subsidies", _l("补贴发放"), also=("admin.subsidy_",)),
        Link("diner_admin.diner_code", _l("自助查询验证码"), ("admin", "manager", "cashier"), diner=True),
    )),
    Group("reports", _l("报表"), (
        Link("admin.report_list", _l("全部报表"), also=("admin.report", "admin.report_")),
        Link("admin.summary", _l("工作总结"), also=("admin.summary_",)),
    )),
    Group("compound", _l("事务中心"), (
        Link("admin.compound_index", _l("事务中心业务"), also=("admin.compound_",)),
        Link("admin.compound_yearbook", _l("年度工作总结")),
    )),
    Group("settings", _l("设置"), (
        Link("admin.departments", _l("部门"), also=("admin.department_",)),
        Link("admin.categories", _l("人员类别"), also=("admin.category_",)),
        Link("admin.meals", _l("餐次与价格"), also=("admin.meal_",)),
        Link("admin.calendar_days", _l("节假日与调休"), also=("admin.calendar_",)),
        Link("admin.terminals", _l("终端"), also=("admin.terminal_", "admin.offline_")),
        Link("admin.operators", _l("操作员"), ("admin",), also=("admin.operator_",)),
        Link("admin.audit_log", _l("审计日志"), ("admin", "auditor")),
        Link("admin.change_password", _l("修改密码"), ALL),
    )),
)


def visible(role: str | None) -> list[tuple[Group, list[Link]]]:
    """The groups and links `role` sees (groups with no link left out)."""
    diner = bool(current_app.jinja_env.globals.get("diner_admin_enabled"))
    shown = []
    for group in GROUPS:
        links = [link for link in group.links if role in link.roles and (diner or not link.diner)]
        if links:
            shown.append((group, links))
    return shown


def current(endpoint: str | None) -> tuple[Group | None, Link | None]:
    """The group and entry the page at `endpoint` belongs to (exact endpoints first)."""
    for exact in (True, False):
        for group in GROUPS:
            for link in group.links:
                if (link.endpoint == endpoint) if exact else link.owns(endpoint):
                    return group, link
    return None, None


@bp.app_context_processor
def _navigation():
    """``nav``: [(group, [link...], is_current_group)]; ``here``: the current entry; ``crumbs``: [(text, url)]."""
    if not request.path.startswith("/admin") or not getattr(current_user, "is_authenticated", False):
        return {"nav": [], "here": None, "crumbs": []}
    group, here = current(request.endpoint)
    nav = [(g, links, g is group) for g, links in visible(current_user.role)]
    crumbs = [(_l("首页"), url_for("admin.index"))]
    if group is not None and here is not None and here.endpoint != "admin.index":
        crumbs.append((group.label, None))
        crumbs.append((here.label, url_for(here.endpoint, **here.args)))
    return {"nav": nav, "here": here, "crumbs": crumbs}
