"""Path converters: an id in a URL is a database id, so one beyond 64 bits names nothing (404), never a 500."""
from werkzeug.routing import IntegerConverter

#: The largest id either database stores (BIGINT on PostgreSQL, INTEGER on SQLite: both signed 64-bit).
MAX_ID = 2**63 - 1


class DatabaseId(IntegerConverter):
    """``<int:...>`` bounded to what a database id can be; the OpenAPI document shows the bound."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def install(app) -> None:
    """Make ``<int:...>`` a database id in every route registered from now on (call before the blueprints)."""
    app.url_map.converters["int"] = DatabaseId
