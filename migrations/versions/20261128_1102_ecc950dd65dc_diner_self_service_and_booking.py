"""diner self-service and meal booking: diner sign-in, one-time codes, bookings, booking rules, secretaries

Revision ID: ecc950dd65dc
Revises: 950f25c6170a
Create Date: 2026-11-28 11:00:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'ecc950dd65dc'
down_revision = '950f25c6170a'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'diner_account',
        sa.Column('person_id', Id, autoincrement=False, nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('password_set_dt', UTCDateTime(), nullable=True),
        sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
        sa.Column('locked_until_dt', UTCDateTime(), nullable=True),
        sa.Column('last_signin_dt', UTCDateTime(), nullable=True),
        sa.Column('low_balance_fen', Id, nullable=True),
        sa.CheckConstraint('low_balance_fen IS NULL OR low_balance_fen > 0',
                           name=op.f('ck_diner_account_low_balance_fen')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_diner_account_person_id_person')),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_diner_account')),
    )
    op.create_table(
        'diner_setup_code',
        sa.Column('id', Id, nullable=False),
        sa.Column('person_id', Id, nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.Column('expires_dt', UTCDateTime(), nullable=False),
        sa.Column('used_dt', UTCDateTime(), nullable=True),
        sa.Column('operator_id', Id, nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_diner_setup_code_person_id_person')),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'],
                                name=op.f('fk_diner_setup_code_operator_id_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_diner_setup_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_diner_setup_code_code_hash')),
    )
    op.create_index('ix_diner_setup_code_person_id', 'diner_setup_code', ['person_id'])
    op.create_table(
        'meal_booking',
        sa.Column('id', Id, nullable=False),
        sa.Column('person_id', Id, nullable=False),
        sa.Column('meal_period_id', Id, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('changed_dt', UTCDateTime(), nullable=False),
        sa.Column('changed_by_id', Id, nullable=False),
        sa.CheckConstraint("state IN ('booked', 'cancelled')", name=op.f('ck_meal_booking_state')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meal_booking_person_id_person')),
        sa.ForeignKeyConstraint(['meal_period_id'], ['meal_period.id'],
                                name=op.f('fk_meal_booking_meal_period_id_meal_period')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['person.id'], name=op.f('fk_meal_booking_changed_by_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meal_booking')),
        sa.UniqueConstraint('person_id', 'meal_period_id', 'day', name='uq_meal_booking_person_period_day'),
    )
    op.create_index('ix_meal_booking_day_period', 'meal_booking', ['day', 'meal_period_id'])
    op.create_table(
        'booking_rule',
        sa.Column('meal_period_id', Id, autoincrement=False, nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('walk_in_allowed', sa.Boolean(), nullable=False),
        sa.Column('charge_no_shows', sa.Boolean(), nullable=False),
        sa.Column('cutoff_days_before', sa.Integer(), nullable=False),
        sa.Column('cutoff_time', sa.Time(), nullable=False),
        sa.Column('updated_dt', UTCDateTime(), nullable=False),
        sa.CheckConstraint('cutoff_days_before BETWEEN 0 AND 7', name=op.f('ck_booking_rule_cutoff_days_before')),
        sa.ForeignKeyConstraint(['meal_period_id'], ['meal_period.id'],
                                name=op.f('fk_booking_rule_meal_period_id_meal_period')),
        sa.PrimaryKeyConstraint('meal_period_id', name=op.f('pk_booking_rule')),
    )
    op.create_table(
        'department_secretary',
        sa.Column('id', Id, nullable=False),
        sa.Column('department_id', Id, nullable=False),
        sa.Column('person_id', Id, nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_department_secretary_department_id_department')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_department_secretary_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_department_secretary')),
        sa.UniqueConstraint('department_id', 'person_id', name='uq_department_secretary_department_id'),
    )
    op.create_index('ix_department_secretary_person_id', 'department_secretary', ['person_id'])


def downgrade():
    op.drop_index('ix_department_secretary_person_id', table_name='department_secretary')
    op.drop_table('department_secretary')
    op.drop_table('booking_rule')
    op.drop_index('ix_meal_booking_day_period', table_name='meal_booking')
    op.drop_table('meal_booking')
    op.drop_index('ix_diner_setup_code_person_id', table_name='diner_setup_code')
    op.drop_table('diner_setup_code')
    op.drop_table('diner_account')
