"""``canteen init-db``: run every migration and add the defaults a new canteen needs."""
import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from canteen.cli.refusals import database_errors
from canteen.defaults import seed_defaults
from canteen.extensions import db


def init_database() -> bool:
    """Upgrade the schema to the newest migration and seed defaults; True if defaults were added."""
    upgrade(revision="heads")
    added = seed_defaults(db.session)
    db.session.commit()
    return added


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database (migrations) and add default categories and meal periods."""
    with database_errors("create the database", "is the database server up and the URL right?"):
        added = init_database()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}"
               + (" (defaults added)" if added else ""))
