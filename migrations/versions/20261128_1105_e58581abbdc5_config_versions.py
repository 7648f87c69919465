"""config versions: a counter moved by triggers on every change of meal periods and prices (lets taps cache them)

Revision ID: e58581abbdc5
Revises: 77c7c68da08a
Create Date: 2026-11-28 11:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e58581abbdc5'
down_revision = '77c7c68da08a'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
#: counter name -> the tables whose every change moves it
COVERED = {"meal_config": ("meal_period", "meal_price")}


def upgrade():
    op.create_table(
        'config_version',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('version', Id, nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_config_version')),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute("""
            CREATE FUNCTION canteen_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE config_version SET version = version + 1 WHERE name = TG_ARGV[0];
                RETURN NULL;
            END $$""")
    for name, tables in COVERED.items():
        op.execute(sa.text("INSERT INTO config_version (name, version) VALUES (:n, 0)").bindparams(n=name))
        for table in tables:
            if sqlite:
                for action in ("INSERT", "UPDATE", "DELETE"):
                    op.execute(f"CREATE TRIGGER {table}_bump_{action.lower()} AFTER {action} ON {table} "
                               f"BEGIN UPDATE config_version SET version = version + 1 WHERE name = '{name}'; END")
            else:
                op.execute(f"CREATE TRIGGER {table}_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                           f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION canteen_bump_config_version('{name}')")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for tables in COVERED.values():
        for table in tables:
            if sqlite:
                for action in ("insert", "update", "delete"):
                    op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_{action}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_version ON {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS canteen_bump_config_version()")
    op.drop_table('config_version')
