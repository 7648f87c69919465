"""Core statements run straight on the DB-API cursor: the tap's path pays only for the driver.

Used where SQLAlchemy's execution machinery would cost more CPU than the database spends on the
statement (the tap, see :mod:`canteen.ledger.append` and :mod:`canteen.services.meals`).
"""
from sqlalchemy.sql import literal_column, visitors
from sqlalchemy.sql.elements import BindParameter


def _inline_constants(stmt):
    """The statement with the constants of its expressions written into its text (``LIMIT 1``, ``state =
    'active'``), leaving only the real parameters bound.

    PostgreSQL then plans a prepared statement once (a generic plan): with constants bound as parameters
    (``LIMIT $4``) it judges the generic plan costlier and plans every execution again, which for the
    tap's card query costs more than running it.
    """
    def constant(element):
        value = element.value if isinstance(element, BindParameter) else None
        if (value is not None and element.callable is None and not element.expanding
                and isinstance(value, (int, str)) and not isinstance(value, bool)):
            text = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
            return literal_column(text, element.type)
        return None

    return visitors.replacement_traverse(stmt, {}, constant)


class Direct:
    """A Core statement compiled once per dialect and run straight on the DB-API cursor.

    On the tap's path SQLAlchemy's execution machinery (execution context, result wrapping) costs
    more CPU than the database spends on the statement; this keeps the statement in Core (one
    text for SQLite and PostgreSQL, typed binds) and pays only for the driver. The dialect's bind
    processors are applied (SQLite stores times as text); rows come back as the driver gives them,
    so only read integers and text this way. A driver error goes through the connection's own
    handling (IntegrityError ..., a dropped connection invalidated) as if SQLAlchemy had run it.
    """

    def __init__(self, stmt):
        self.stmt = stmt
        self._forms: dict = {}

    def _form(self, dialect):
        form = self._forms.get(dialect.name)
        if form is None:
            compiled = _inline_constants(self.stmt).compile(dialect=dialect)
            sql = compiled.string
            if "POSTCOMPILE" in sql:
                raise ValueError("Direct statements cannot have expanding or literal-execute parameters")
            bound = compiled.construct_params(_check=False)
            defaults = {name: value for name, value in bound.items() if value is not None}
            required = frozenset(bound) - frozenset(defaults)
            processors = dict(compiled._bind_processors)
            order = list(compiled.positiontup) if compiled.positional else None
            form = self._forms[dialect.name] = (sql, defaults, required, processors, order)
        return form

    def _args(self, conn, params):
        sql, defaults, required, processors, order = self._form(conn.dialect)
        values = dict(defaults, **params) if params else dict(defaults)
        if not required.issubset(values):
            raise KeyError(f"parameters missing: {sorted(required - set(values))}")
        for name, process in processors.items():
            if name in values:
                values[name] = process(values[name])
        return sql, (values if order is None else [values[name] for name in order])

    def execute(self, conn, params: dict | None = None):
        """Run on SQLAlchemy connection `conn` in its transaction (begun here if need be, as SQLAlchemy
        would: SQLite's BEGIN IMMEDIATE is sent then); returns the DB-API cursor."""
        if not conn.in_transaction():
            conn.begin()
        sql, args = self._args(conn, params)
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            conn._handle_dbapi_exception(exc, sql, args, cursor, None)
        return cursor

    def first(self, conn, params: dict | None = None):
        """The first row, or None."""
        return self.execute(conn, params).fetchone()

    def all(self, conn, params: dict | None = None) -> list:
        """Every row."""
        return self.execute(conn, params).fetchall()


_STATEMENTS: dict = {}


def statement(key, build) -> Direct:
    """The Direct form of the statement `build()` makes, built once per `key` for the process."""
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = Direct(build())
    return stmt
