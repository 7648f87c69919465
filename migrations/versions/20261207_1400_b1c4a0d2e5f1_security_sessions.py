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
    pass


def downgrade():
    pass
