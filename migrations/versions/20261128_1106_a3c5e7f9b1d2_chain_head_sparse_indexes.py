"""chain head keeps the hash before its last entry (one statement can append an entry); sparse journal indexes

Revision ID: a3c5e7f9b1d2
Revises: e58581abbdc5
Create Date: 2026-11-28 11:06:00

PostgreSQL's ``UPDATE ... RETURNING`` sees only the row's new values; the tap's last statement moves
the head and writes the entry in one go, and the entry needs the hash it follows. The column says it.
The journal's indexes on columns that meals leave empty (shift, original entry, subsidy batch) become partial
(where not null): a meal's insert no longer writes to them, and every query by such a column still uses them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'e58581abbdc5'
branch_labels = None
depends_on = None


SPARSE_COLUMNS = ("shift_id", "original_id", "subsidy_batch_id")


def upgrade():
    with op.batch_alter_table('ledger_head') as batch:
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.execute("UPDATE ledger_head SET prev_hash = (SELECT e.prev_hash FROM journal_entry e "
               "WHERE e.id = ledger_head.last_id)")
    for column in SPARSE_COLUMNS:
        name = f"ix_journal_entry_{column}"
        op.drop_index(name, table_name="journal_entry")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "journal_entry", [column], postgresql_where=where, sqlite_where=where)


def downgrade():
    for column in SPARSE_COLUMNS:
        name = f"ix_journal_entry_{column}"
        op.drop_index(name, table_name="journal_entry")
        op.create_index(name, "journal_entry", [column])
    with op.batch_alter_table('ledger_head') as batch:
        batch.drop_column('prev_hash')
