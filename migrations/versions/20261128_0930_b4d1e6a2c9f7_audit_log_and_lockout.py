"""audit log (append-only, hash-chained) and operator sign-in lockout

Revision ID: b4d1e6a2c9f7
Revises: 7a1e0c3f9b20
Create Date: 2026-11-28 09:30:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.ledger.chain import GENESIS
from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b4d1e6a2c9f7'
down_revision = '7a1e0c3f9b20'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('operator') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('locked_until_dt', UTCDateTime(), nullable=True))
    op.create_table(
        'audit_entry',
        sa.Column('id', Id, autoincrement=False, nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.Column('operator_id', Id, nullable=True),
        sa.Column('username', sa.String(length=50), nullable=True),
        sa.Column('remote_addr', sa.String(length=64), nullable=True),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=100), nullable=True),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint("result IN ('ok', 'denied', 'failed', 'locked', 'error')",
                           name=op.f('ck_audit_entry_result')),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'],
                                name=op.f('fk_audit_entry_operator_id_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    op.create_index('ix_audit_entry_created_dt', 'audit_entry', ['created_dt'])
    op.create_index(op.f('ix_audit_entry_operator_id'), 'audit_entry', ['operator_id'])
    op.create_table(
        'audit_head',
        sa.Column('id', Id, autoincrement=False, nullable=False),
        sa.Column('last_id', Id, nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head')),
    )
    op.execute(sa.text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :g)").bindparams(g=GENESIS))
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_entry_no_{action.lower()} BEFORE {action} ON audit_entry "
                       f"BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: {action} refused'); END")
        op.execute("CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
                   "BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END")
    else:
        # canteen_append_only() comes from revision 7a1e0c3f9b20.
        op.execute("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_append_only()")
        op.execute("CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
                   "FOR EACH STATEMENT EXECUTE FUNCTION canteen_append_only()")
        op.execute("CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("audit_entry_no_update", "audit_entry_no_delete", "audit_head_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head")
    op.drop_table('audit_head')
    op.drop_index(op.f('ix_audit_entry_operator_id'), table_name='audit_entry')
    op.drop_index('ix_audit_entry_created_dt', table_name='audit_entry')
    op.drop_table('audit_entry')
    with op.batch_alter_table('operator') as batch:
        batch.drop_column('locked_until_dt')
        batch.drop_column('failed_logins')
