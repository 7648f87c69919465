"""PostgreSQL: canteen_require(ok, reason), which fails the statement it is in when ok is false

The terminals' fast lane books a tap in one autocommitted statement whose conditional updates
(the wallets' balances as read, the card still active) gate the rest; when one changes nothing,
this function makes the whole statement fail, so no part of it is kept (SQLSTATE 40001: the
caller may run the tap again, and does, on the locking path).

Revision ID: f3a9c2e8d4b6
Revises: d7e2f4a6b8c1
Create Date: 2026-11-28 11:09:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a9c2e8d4b6'
down_revision = 'd7e2f4a6b8c1'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION canteen_require(ok boolean, reason text) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                IF ok IS NOT TRUE THEN
                    RAISE EXCEPTION '%', reason USING ERRCODE = 'serialization_failure';
                END IF;
                RETURN true;
            END $$""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION canteen_require(boolean, text)")
