"""``canteen serve`` (gunicorn) and ``canteen demo`` (SQLite, demo data, one command)."""
import os
import tempfile

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
import gunicorn.http.wsgi
from gunicorn.app.base import BaseApplication

from canteen import metrics, request_log
from canteen.cli.companions import start_demo_companions, start_live_taps, stop
from canteen.cli.refusals import database_errors
from canteen.cli.setup import init_database
from canteen.demo import live, seed_demo
from canteen.extensions import db
from canteen.services.common import Rules
from canteen.stream_slots import StreamSlots


class _Gunicorn(BaseApplication):
    """Run the app factory under gunicorn from our own command, with our options."""

    def __init__(self, factory, options: dict, stream_threads: int = 0):
        self.factory, self.options, self.stream_threads = factory, options, stream_threads
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        gunicorn.http.wsgi.SERVER = "canteen"  # every answer names the server; not the software and its version
        app = self.factory()
        app.wsgi_app = StreamSlots(app.wsgi_app, self.stream_threads)
        return app


def run_gunicorn(host: str, port: int, workers: int, threads: int, stream_threads: int = 0) -> None:
    """Serve on host:port; each worker builds its own app (and its own connection pool) and runs `threads`
    threads for requests plus `stream_threads` for event streams (see `canteen.stream_slots`). The workers'
    metrics add up in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder of this server's when not set)."""
    metrics.use_multiprocess(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                             or tempfile.mkdtemp(prefix=f"canteen-metrics-{port}-"))
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads + stream_threads,
               "worker_class": "gthread", "accesslog": "-" if os.environ.get("CANTEEN_ACCESS_LOG") else None,
               "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s',
               "timeout": 30, "graceful_timeout": 5,
               "child_exit": lambda _arbiter, worker: metrics.worker_exited(worker.pid)}
    options["logconfig_dict"] = request_log.gunicorn_logconfig(str(current_app.config.get("LOG_FORMAT") or "text"))
    _Gunicorn(_factory(), options, stream_threads).run()


def _factory():
    """The app factory this command was started with (the CLI's ``create_app``): each worker builds its own app."""
    return click.get_current_context().ensure_object(ScriptInfo).create_app


def _sqlite() -> bool:
    return current_app.config["DATABASE_URL"].startswith("sqlite")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=None, type=int, help="Default: 1 on SQLite, 2 x cores + 1 otherwise")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 512),
              help="Threads per worker for requests")
@click.option("--stream-threads", default=None, type=click.IntRange(0, 4096),
              help="More threads per worker for event streams: one per terminal and open dashboard "
                   "[default: CANTEEN_STREAM_THREADS, 32]")
def serve(host, port, workers, threads, stream_threads):
    """Serve the API, health check and pages under gunicorn."""
    workers = workers or (1 if _sqlite() else 2 * (os.cpu_count() or 1) + 1)
    if stream_threads is None:
        stream_threads = int(current_app.config["STREAM_THREADS"])
    db.engine.dispose()  # no connection may be shared with forked workers
    run_gunicorn(host, port, workers, threads, stream_threads)


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65534),
              help="The server's port; the demo terminal serves on the next one.")
@click.option("--people", default=300, show_default=True, type=click.IntRange(min=10))
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@click.option("--no-serve", is_flag=True, help="Only create the demo data")
@click.option("--live/--no-live", default=True, show_default=True, envvar="CANTEEN_DEMO_LIVE",
              help="Keep today live: a few taps every minute while the demo runs [env CANTEEN_DEMO_LIVE=0: off]")
def demo(host, port, people, days, no_serve, live):
    """Create the database with demo data (first run only), then serve it."""
    with database_errors("create the demo database"):
        init_database()
        summary = seed_demo(db.session, people=people, days=days)
    click.echo(summary)
    db.session.remove()
    if not no_serve:
        click.echo(f"serving on http://{host}:{port}/  (back office: /admin/, self-service: /me/, "
                   f"API: /api/v1/openapi.json)")
        db.engine.dispose()
        companions = start_demo_companions(host, port, current_app.instance_path)
        if companions:
            # The workers build their app from the environment: the landing page links the terminal.
            os.environ["CANTEEN_DEMO_TERMINAL_PORT"] = str(port + 1)
        if live:
            companions.append(start_live_taps())
            click.echo("today stays live: a few taps every minute (--no-live or CANTEEN_DEMO_LIVE=0 to stop them)")
        try:
            run_gunicorn(host, port, 1, 8, int(current_app.config["STREAM_THREADS"]))
        finally:
            stop(companions)


@click.command("demo-live", hidden=True)
@with_appcontext
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(min=1))
@click.option("--taps", default=3, show_default=True, type=click.IntRange(1, 100))
@click.option("--rounds", default=None, type=click.IntRange(min=1), help="Stop after this many rounds")
def demo_live(interval, taps, rounds):
    """Keep the demo's today live: a few taps every `interval` seconds."""
    live.run(db.session, Rules.from_config(current_app.config), interval=interval, taps=taps, rounds=rounds,
             log=click.echo)
