"""Issue 16: indexes and tallies for the back-office reports

Revision ID: d4f7a3b5c8e4
Revises: c3e6f2a4b7d3
Create Date: 2026-12-07 14:03:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd4f7a3b5c8e4'
down_revision = 'c3e6f2a4b7d3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
