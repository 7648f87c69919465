"""Issue 14 (ledger anchor): signed checkpoints of the chain head

Revision ID: b2d5e1f3a6c2
Revises: b1c4a0d2e5f1
Create Date: 2026-12-07 14:01:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'b2d5e1f3a6c2'
down_revision = 'b1c4a0d2e5f1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
