"""Issue 15: the till (print queue, cashier sessions at the till)

Revision ID: f6b9c5d7e0a6
Revises: e5a8b4c6d9f5
Create Date: 2026-12-07 14:05:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'f6b9c5d7e0a6'
down_revision = 'e5a8b4c6d9f5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
