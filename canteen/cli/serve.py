"""``canteen serve`` (gunicorn) and ``canteen demo`` (SQLite, demo data, one command)."""
import os

import click
from flask import current_app
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication

from canteen.cli.companions import start_demo_companions, stop
from canteen.cli.refusals import database_errors
from canteen.cli.setup import init_database
from canteen.extensions import db


class _Gunicorn(BaseApplication):
    """Run the app factory under gunicorn from our own command, with our options."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from canteen import create_app

        return create_app()


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve on host:port; each worker builds its own app (and its own connection pool)."""
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "accesslog": "-" if os.environ.get("CANTEEN_ACCESS_LOG") else None, "timeout": 30,
               "graceful_timeout": 5}).run()


def _sqlite() -> bool:
    return current_app.config["DATABASE_URL"].startswith("sqlite")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=None, type=int, help="Default: 1 on SQLite, 2 x cores + 1 otherwise")
@click.option("--threads", default=4, show_default=True)
def serve(host, port, workers, threads):
    """Serve the API, health check and pages under gunicorn."""
    workers = workers or (1 if _sqlite() else 2 * (os.cpu_count() or 1) + 1)
    db.engine.dispose()  # no connection may be shared with forked workers
    run_gunicorn(host, port, workers, threads)


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--people", default=300, show_default=True, type=click.IntRange(min=10))
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@click.option("--no-serve", is_flag=True, help="Only create the demo data")
def demo(host, port, people, days, no_serve):
    """Create the database with demo data (first run only), then serve it."""
    from canteen.demo import seed_demo

    with database_errors("create the demo database"):
        init_database()
        summary = seed_demo(db.session, people=people, days=days)
    click.echo(summary)
    db.session.remove()
    if not no_serve:
        click.echo(f"serving on http://{host}:{port}  (API: /api/v1/openapi.json, back office: /admin/)")
        db.engine.dispose()
        companions = start_demo_companions(host, port, current_app.instance_path)
        try:
            run_gunicorn(host, port, 1, 8)
        finally:
            stop(companions)
