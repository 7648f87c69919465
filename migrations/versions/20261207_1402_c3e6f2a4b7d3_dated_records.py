"""Issue 17: dated records (areas, occupancies, ranks, sorting status) and meal dates

Revision ID: c3e6f2a4b7d3
Revises: b2d5e1f3a6c2
Create Date: 2026-12-07 14:02:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c3e6f2a4b7d3'
down_revision = 'b2d5e1f3a6c2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
