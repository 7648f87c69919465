"""roster import jobs beat while they run, so a job whose server process died reads as failed

Revision ID: d7e2f4a6b8c1
Revises: c40d612f8bba
Create Date: 2026-11-28 11:08:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'd7e2f4a6b8c1'
down_revision = 'c40d612f8bba'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster_import') as batch:
        batch.add_column(sa.Column('beat_dt', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('roster_import') as batch:
        batch.drop_column('beat_dt')
