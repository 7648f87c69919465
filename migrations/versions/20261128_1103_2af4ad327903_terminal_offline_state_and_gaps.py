"""terminal offline state (blacklist version, snapshot age, outbox) and offline sequence gaps

Revision ID: 2af4ad327903
Revises: ecc950dd65dc
Create Date: 2026-11-28 11:04:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '2af4ad327903'
down_revision = 'ecc950dd65dc'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TERMINAL_COLUMNS = (
    ('blacklist_version', sa.Integer()), ('snapshot_dt', UTCDateTime()), ('outbox_pending', sa.Integer()),
    ('outbox_last_seq', sa.Integer()), ('reported_dt', UTCDateTime()),
)


def upgrade():
    for name, kind in TERMINAL_COLUMNS:
        op.add_column('terminal', sa.Column(name, kind, nullable=True))
    op.create_table(
        'offline_gap',
        sa.Column('id', Id, nullable=False),
        sa.Column('terminal_id', Id, nullable=False),
        sa.Column('first_seq', sa.Integer(), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('found_dt', UTCDateTime(), nullable=False),
        sa.Column('resolved_dt', UTCDateTime(), nullable=True),
        sa.Column('resolved_by', Id, nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=True),
        sa.CheckConstraint('first_seq > 0 AND last_seq >= first_seq', name=op.f('ck_offline_gap_range')),
        sa.CheckConstraint('(resolved_dt IS NULL) = (reason IS NULL)', name=op.f('ck_offline_gap_resolved_reason')),
        sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_offline_gap_terminal_id_terminal')),
        sa.ForeignKeyConstraint(['resolved_by'], ['operator.id'], name=op.f('fk_offline_gap_resolved_by_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_gap')),
        sa.UniqueConstraint('terminal_id', 'first_seq', name='uq_offline_gap_terminal_first'),
    )
    op.create_index(op.f('ix_offline_gap_terminal_id'), 'offline_gap', ['terminal_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_offline_gap_terminal_id'), table_name='offline_gap')
    op.drop_table('offline_gap')
    with op.batch_alter_table('terminal') as batch:
        for name, _ in reversed(TERMINAL_COLUMNS):
            batch.drop_column(name)
