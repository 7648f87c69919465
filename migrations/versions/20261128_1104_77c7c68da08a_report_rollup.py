"""report rollup: pre-aggregates of the journal up to a watermark entry id; background roster imports

Revision ID: 77c7c68da08a
Revises: 2af4ad327903
Create Date: 2026-11-28 11:02:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '77c7c68da08a'
down_revision = '2af4ad327903'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _key(name):
    return sa.Column(name, Id, nullable=False)


def upgrade():
    op.create_table(
        'rollup_state',
        sa.Column('id', Id, autoincrement=False, nullable=False),
        _key('watermark'), _key('version'),
        sa.Column('rolled_dt', UTCDateTime(), nullable=True),
        sa.CheckConstraint('id = 1', name=op.f('ck_rollup_state_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_state')),
    )
    op.create_table(
        'rollup_person',
        sa.Column('person_id', Id, autoincrement=False, nullable=False),
        _key('department_id'), _key('category_id'),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_rollup_person')),
    )
    op.create_table(
        'entry_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('grain', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        *[_key(c) for c in ('operator_id', 'approver_id', 'department_id', 'category_id', 'terminal_id',
                            'meal_period_id', 'origin_terminal_id', 'origin_period_id', 'entries', 'amount',
                            'cash_in', 'cash_in_entries')],
        sa.CheckConstraint("grain IN ('total', 'department', 'category', 'place')", name=op.f('ck_entry_tally_grain')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_tally')),
        sa.UniqueConstraint('business_date', 'grain', 'kind', 'method', 'operator_id', 'approver_id',
                            'department_id', 'category_id', 'terminal_id', 'meal_period_id', 'origin_terminal_id',
                            'origin_period_id', name='uq_entry_tally_key'),
    )
    op.create_index('ix_entry_tally_grain_kind_day', 'entry_tally', ['grain', 'kind', 'business_date'])
    op.create_table(
        'posting_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('grain', sa.String(length=10), nullable=False),
        sa.Column('entry_kind', sa.String(length=16), nullable=False),
        sa.Column('account_kind', sa.String(length=16), nullable=False),
        _key('department_id'), _key('category_id'), _key('amount'),
        sa.CheckConstraint("grain IN ('total', 'department', 'category')", name=op.f('ck_posting_tally_grain')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_tally')),
        sa.UniqueConstraint('business_date', 'grain', 'entry_kind', 'account_kind', 'department_id', 'category_id',
                            name='uq_posting_tally_key'),
    )
    op.create_index('ix_posting_tally_grain_day', 'posting_tally', ['grain', 'business_date'])
    op.create_table(
        'meal_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        _key('meal_period_id'), _key('terminal_id'), _key('person_id'), _key('visits'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meal_tally')),
        sa.UniqueConstraint('business_date', 'meal_period_id', 'terminal_id', 'person_id', name='uq_meal_tally_key'),
    )
    op.create_index('ix_meal_tally_person_day', 'meal_tally', ['person_id', 'business_date'])
    op.create_table(
        'headcount_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        _key('meal_period_id'), _key('visits'), _key('diners'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_headcount_tally')),
        sa.UniqueConstraint('business_date', 'meal_period_id', name='uq_headcount_tally_key'),
    )
    op.create_table(
        'roster_import',
        sa.Column('id', Id, nullable=False),
        sa.Column('operator_id', Id, nullable=False),
        sa.Column('filename', sa.String(length=80), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('checked_rows', sa.Integer(), nullable=False),
        sa.Column('imported', sa.Integer(), nullable=False),
        sa.Column('errors', sa.Text(), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.Column('finished_dt', UTCDateTime(), nullable=True),
        sa.CheckConstraint("state IN ('checking', 'writing', 'done', 'failed')", name=op.f('ck_roster_import_state')),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_roster_import_operator_id_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_import')),
    )


def downgrade():
    op.drop_table('roster_import')
    op.drop_index('ix_meal_tally_person_day', table_name='meal_tally')
    op.drop_index('ix_posting_tally_grain_day', table_name='posting_tally')
    op.drop_index('ix_entry_tally_grain_kind_day', table_name='entry_tally')
    for table in ('headcount_tally', 'meal_tally', 'posting_tally', 'entry_tally', 'rollup_person', 'rollup_state'):
        op.drop_table(table)
