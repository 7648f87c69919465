"""Who may see and change each compound module (the role matrix).

Every module: admin, manager and auditor read; admin and manager change; a cashier sees none of
them. The table is per module so one can be narrowed without touching the pages.
"""
from functools import wraps

from admin.security import READERS, WRITERS, requires

MODULE_KEYS = ("offices", "vehicles", "energy", "waste", "property", "rectification")
#: module -> {"read": roles, "write": roles}
MODULE_ROLES = {key: {"read": READERS, "write": WRITERS} for key in MODULE_KEYS}


def module_access(write: bool):
    """Guard a view whose first URL argument is ``module`` with that module's read or write roles.

    The check itself is :func:`admin.security.requires`, so refusals are audited the same way.
    """
    def wrap(view):
        @wraps(view)
        def guarded(module: str, **kwargs):
            roles = MODULE_ROLES.get(module, {}).get("write" if write else "read", WRITERS)
            return requires(*roles)(view)(module=module, **kwargs)
        return guarded
    return wrap


def can(role: str | None, module: str, write: bool) -> bool:
    """Whether a role may read (or change) a module: the templates ask this to show links."""
    return role in MODULE_ROLES.get(module, {}).get("write" if write else "read", ())
