"""The service center's other modules in the back office (offices, vehicles, energy, waste sorting,
property, rectification) and the year-end work summary, at ``/admin/compound/``.

Each module describes its rows, actions and reports once (``admin/compound/<module>.py``); the
generic pages of :mod:`admin.compound.views` serve them all. Roles per module: :mod:`admin.compound.roles`.
"""
from admin.compound import views, yearbook_views  # noqa: F401  (register the routes)
