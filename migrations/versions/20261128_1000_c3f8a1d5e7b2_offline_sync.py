"""offline sync: offline charges, their exceptions, and each terminal's replay cursor

Revision ID: c3f8a1d5e7b2
Revises: b4d1e6a2c9f7
Create Date: 2026-11-28 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c3f8a1d5e7b2'
down_revision = 'b4d1e6a2c9f7'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'offline_charge',
        sa.Column('id', Id, nullable=False),
        sa.Column('terminal_id', Id, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=20), nullable=False),
        sa.Column('amount', Id, nullable=False),
        sa.Column('tapped_dt', UTCDateTime(), nullable=False),
        sa.Column('received_dt', UTCDateTime(), nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.Column('online_key', sa.String(length=100), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('entry_id', Id, nullable=True),
        sa.Column('person_id', Id, nullable=True),
        sa.Column('card_id', Id, nullable=True),
        sa.CheckConstraint('seq > 0', name=op.f('ck_offline_charge_seq')),
        sa.CheckConstraint('amount > 0', name=op.f('ck_offline_charge_amount')),
        sa.CheckConstraint("outcome IN ('booked', 'duplicate', 'unbooked')", name=op.f('ck_offline_charge_outcome')),
        sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_offline_charge_terminal_id_terminal')),
        sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'],
                                name=op.f('fk_offline_charge_entry_id_journal_entry')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_offline_charge_person_id_person')),
        sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_offline_charge_card_id_card')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_charge')),
        sa.UniqueConstraint('terminal_id', 'seq', name='uq_offline_charge_terminal_seq'),
    )
    op.create_table(
        'offline_exception',
        sa.Column('id', Id, nullable=False),
        sa.Column('offline_charge_id', Id, nullable=False),
        sa.Column('entry_id', Id, nullable=True),
        sa.Column('terminal_id', Id, nullable=False),
        sa.Column('person_id', Id, nullable=True),
        sa.Column('card_id', Id, nullable=True),
        sa.Column('uid', sa.String(length=20), nullable=False),
        sa.Column('amount', Id, nullable=False),
        sa.Column('overdraft', Id, nullable=False),
        sa.Column('reason', sa.String(length=120), nullable=False),
        sa.Column('tapped_dt', UTCDateTime(), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.CheckConstraint('overdraft >= 0', name=op.f('ck_offline_exception_overdraft')),
        sa.ForeignKeyConstraint(['offline_charge_id'], ['offline_charge.id'],
                                name=op.f('fk_offline_exception_offline_charge_id_offline_charge')),
        sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'],
                                name=op.f('fk_offline_exception_entry_id_journal_entry')),
        sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'],
                                name=op.f('fk_offline_exception_terminal_id_terminal')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_offline_exception_person_id_person')),
        sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_offline_exception_card_id_card')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_exception')),
    )
    for column in ('offline_charge_id', 'entry_id', 'terminal_id', 'person_id', 'created_dt'):
        op.create_index(f'ix_offline_exception_{column}', 'offline_exception', [column])
    op.create_table(
        'offline_cursor',
        sa.Column('terminal_id', Id, autoincrement=False, nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('updated_dt', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'], name=op.f('fk_offline_cursor_terminal_id_terminal')),
        sa.PrimaryKeyConstraint('terminal_id', name=op.f('pk_offline_cursor')),
    )


def downgrade():
    op.drop_table('offline_cursor')
    op.drop_table('offline_exception')
    op.drop_table('offline_charge')
