"""How a command refuses: one line on stderr and a non-zero exit, never a traceback."""
from contextlib import contextmanager
from typing import NoReturn

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from canteen.extensions import db


class Refusal(click.ClickException):
    """Bad input or a state that forbids the command: one line on stderr and a non-zero exit."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.exit_code = code


def fail(message: str, code: int = 2) -> NoReturn:
    """Refuse with one line on stderr and a non-zero exit (2 for bad input by default)."""
    raise Refusal(message, code)


@contextmanager
def database_errors(action: str, hint: str = "is the database up, and was `canteen init-db` run?"):
    """Turn "no such table" or "cannot connect" into one line instead of a traceback."""
    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        db.session.rollback()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        url = db.engine.url.render_as_string(hide_password=True)
        fail(f"cannot {action} on {url}: {reason} ({hint})", 1)
