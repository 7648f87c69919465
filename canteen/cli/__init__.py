"""The canteen's own commands, attached to every app's CLI (the ``canteen`` command is :mod:`canteen.cli.main`)."""
from importlib.metadata import entry_points

from canteen.cli import audit, ledger, manage, offline, ops, serve, setup
from canteen.cli.diner import bookings, diner
from canteen.cli.forecast import forecast
from canteen.cli.reports import reports


def register_commands(app) -> None:
    """Attach every canteen command to the app's CLI."""
    for plugin in entry_points(group="canteen.terminal_commands"):
        if plugin.name not in manage.terminal.commands:
            manage.terminal.add_command(plugin.load(), plugin.name)
    for command in (setup.init_db, serve.serve, serve.demo, serve.demo_live, ledger.ledger, audit.audit,
                    manage.terminal, manage.operator, manage.subsidy, offline.offline, reports, ops.backup,
                    ops.restore, ops.restore_drill_command):
        app.cli.add_command(command)
    app.cli.add_command(diner)
    app.cli.add_command(bookings)
    app.cli.add_command(forecast)
