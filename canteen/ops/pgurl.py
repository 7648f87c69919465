"""PostgreSQL addresses for the tools: a SQLAlchemy URL (one host or several) as a libpq conninfo string."""
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL, make_url


def is_postgres(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def conninfo(url: str | URL, **override) -> str:
    """libpq conninfo for `url` as psycopg would be given it (all hosts, ``target_session_attrs`` ...), for
    ``pg_dump``, ``pg_restore`` and plain psycopg connections; `override` replaces keys (``dbname=...``)."""
    url = make_url(url).set(drivername="postgresql+psycopg")
    _args, kwargs = url.get_dialect()().create_connect_args(url)
    kwargs.update(override)
    return make_conninfo(**{k: str(v) for k, v in kwargs.items() if v is not None})


def database_name(url: str | URL) -> str:
    return make_url(url).database or ""
