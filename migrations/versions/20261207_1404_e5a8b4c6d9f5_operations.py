"""Issue 18: operations (backups, checkpoints of restore drills, metrics)

Revision ID: e5a8b4c6d9f5
Revises: d4f7a3b5c8e4
Create Date: 2026-12-07 14:04:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e5a8b4c6d9f5'
down_revision = 'd4f7a3b5c8e4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
