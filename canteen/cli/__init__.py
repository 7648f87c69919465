"""The ``canteen`` command: Flask's CLI with the canteen's own commands."""
from importlib.metadata import entry_points

import click
from flask.cli import FlaskGroup


def _create_app():
    from canteen import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """Canteen card and payment system."""


def register_commands(app) -> None:
    """Attach every canteen command to the app's CLI."""
    from canteen.cli import manage, offline, serve, setup
    from canteen.cli.diner import bookings, diner
    from canteen.cli.reports import reports

    for plugin in entry_points(group="canteen.terminal_commands"):
        if plugin.name not in manage.terminal.commands:
            manage.terminal.add_command(plugin.load(), plugin.name)
    for command in (setup.init_db, serve.serve, serve.demo, manage.ledger, manage.terminal, manage.operator,
                    manage.subsidy, offline.offline, reports):
        app.cli.add_command(command)
    app.cli.add_command(diner)
    app.cli.add_command(bookings)
    from canteen.cli.forecast import forecast

    app.cli.add_command(forecast)
