"""The ``canteen`` command: Flask's CLI on the canteen's app, with the canteen's own commands."""
import click
from flask.cli import FlaskGroup

from canteen.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def main():
    """Canteen card and payment system."""
