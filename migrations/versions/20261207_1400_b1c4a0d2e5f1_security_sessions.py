"""Issue 14 (sign-in and sessions): per-account session state, sign-in throttling

Revision ID: b1c4a0d2e5f1
Revises: a7c3e9f1b2d4
Create Date: 2026-12-07 14:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'b1c4a0d2e5f1'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None


def upgrade():
    # A per-account session generation: every signed-in session remembers the one it began under; signing out
    # (and changing the password) moves it on, which ends every session of that account at its next request.
    with op.batch_alter_table('operator') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('diner_account') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('diner_account') as batch:
        batch.drop_column('session_generation')
    with op.batch_alter_table('operator') as batch:
        batch.drop_column('session_generation')
