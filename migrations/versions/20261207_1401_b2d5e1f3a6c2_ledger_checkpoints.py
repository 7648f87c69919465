"""Issue 14 (ledger anchor): signed checkpoints of the chain head

Revision ID: b2d5e1f3a6c2
Revises: b1c4a0d2e5f1
Create Date: 2026-12-07 14:01:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b2d5e1f3a6c2'
down_revision = 'b1c4a0d2e5f1'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'ledger_checkpoint',
        sa.Column('id', Id, nullable=False),
        sa.Column('made_dt', UTCDateTime(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=True),
        sa.Column('entry_id', Id, nullable=False),
        sa.Column('entry_hash', sa.String(length=64), nullable=False),
        sa.Column('entries', Id, nullable=False),
        sa.Column('amount_sum', Id, nullable=False),
        sa.Column('balances', sa.Text(), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.CheckConstraint("reason IN ('daily', 'shift', 'manual')", name=op.f('ck_ledger_checkpoint_reason')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoint')),
    )
    op.create_index(op.f('ix_ledger_checkpoint_made_dt'), 'ledger_checkpoint', ['made_dt'])
    op.create_index(op.f('ix_ledger_checkpoint_label'), 'ledger_checkpoint', ['label'])
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ledger_checkpoint_no_{action.lower()} BEFORE {action} ON ledger_checkpoint "
                       f"BEGIN SELECT RAISE(ABORT, 'ledger_checkpoint is append-only: {action} refused'); END")
    else:
        # canteen_append_only() comes from revision 7a1e0c3f9b20.
        op.execute("CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_append_only()")
        op.execute("CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON ledger_checkpoint "
                   "FOR EACH STATEMENT EXECUTE FUNCTION canteen_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ledger_checkpoint_no_update", "ledger_checkpoint_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_checkpoint_append_only ON ledger_checkpoint")
        op.execute("DROP TRIGGER IF EXISTS ledger_checkpoint_no_truncate ON ledger_checkpoint")
    op.drop_index(op.f('ix_ledger_checkpoint_label'), table_name='ledger_checkpoint')
    op.drop_index(op.f('ix_ledger_checkpoint_made_dt'), table_name='ledger_checkpoint')
    op.drop_table('ledger_checkpoint')
