"""guest meals (requests, tickets, redemptions; the guest_meal entry kind) and the headcount forecast

Revision ID: 950f25c6170a
Revises: 0099ee767ebb
Create Date: 2026-11-28 11:01:00

The journal's kind CHECK is widened by adding to whatever list it holds (after the fuel-card migration,
which replaces a fixed list). SQLite cannot alter a CHECK in place: the table's stored
definition is rewritten (SQLite's documented procedure for constraint changes that leave the data as it
is), which keeps journal_entry's rows, indexes and append-only triggers untouched.
"""
import re

import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '950f25c6170a'
down_revision = '0099ee767ebb'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
KIND = "guest_meal"
_SQLITE_KIND_CHECK = re.compile(r"CONSTRAINT ck_journal_entry_kind CHECK \(kind IN \(([^)]*)\)\)")


def _entry_kinds(change) -> None:
    """Rewrite ``ck_journal_entry_kind`` with `change` applied to its list of kinds."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'journal_entry'"
                                   ).scalar_one()
        match = _SQLITE_KIND_CHECK.search(sql)
        kinds = change(re.findall(r"'([a-z_]+)'", match.group(1)))
        new_sql = sql[:match.start(1)] + ", ".join(f"'{k}'" for k in kinds) + sql[match.end(1):]
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'journal_entry'"),
                     {"sql": new_sql})
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
        return
    definition = bind.execute(sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_journal_entry_kind'")).scalar_one()
    kinds = change(re.findall(r"'([a-z_]+)'", definition))
    op.drop_constraint(op.f("ck_journal_entry_kind"), "journal_entry", type_="check")
    op.create_check_constraint(op.f("ck_journal_entry_kind"), "journal_entry",
                               "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    _entry_kinds(lambda kinds: kinds if KIND in kinds else [*kinds, KIND])
    op.create_table(
        'guest_meal_request',
        sa.Column('id', Id, nullable=False),
        sa.Column('department_id', Id, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('meal_period_id', Id, nullable=False),
        sa.Column('guests', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=200), nullable=False),
        sa.Column('contact', sa.String(length=100), nullable=False),
        sa.Column('requested_by', Id, nullable=False),
        sa.Column('requested_dt', UTCDateTime(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('decided_by', Id, nullable=True),
        sa.Column('decided_dt', UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.String(length=200), nullable=True),
        sa.Column('price_each', Id, nullable=True),
        sa.CheckConstraint('guests BETWEEN 1 AND 500', name=op.f('ck_guest_meal_request_guests')),
        sa.CheckConstraint("state IN ('pending', 'approved', 'rejected', 'cancelled')",
                           name=op.f('ck_guest_meal_request_state')),
        sa.CheckConstraint('decided_by IS NULL OR decided_by <> requested_by',
                           name=op.f('ck_guest_meal_request_four_eyes')),
        sa.CheckConstraint("(state = 'pending') = (decided_by IS NULL)", name=op.f('ck_guest_meal_request_decided')),
        sa.CheckConstraint("(state IN ('approved', 'cancelled')) = (price_each IS NOT NULL)",
                           name=op.f('ck_guest_meal_request_priced')),
        sa.CheckConstraint('price_each IS NULL OR price_each > 0', name=op.f('ck_guest_meal_request_price_each')),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_guest_meal_request_department_id_department')),
        sa.ForeignKeyConstraint(['meal_period_id'], ['meal_period.id'],
                                name=op.f('fk_guest_meal_request_meal_period_id_meal_period')),
        sa.ForeignKeyConstraint(['requested_by'], ['operator.id'],
                                name=op.f('fk_guest_meal_request_requested_by_operator')),
        sa.ForeignKeyConstraint(['decided_by'], ['operator.id'],
                                name=op.f('fk_guest_meal_request_decided_by_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_meal_request')),
    )
    op.create_index(op.f('ix_guest_meal_request_department_id'), 'guest_meal_request', ['department_id'])
    op.create_index(op.f('ix_guest_meal_request_day'), 'guest_meal_request', ['day'])
    op.create_table(
        'guest_ticket',
        sa.Column('id', Id, nullable=False),
        sa.Column('request_id', Id, nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.CheckConstraint('number >= 1', name=op.f('ck_guest_ticket_number')),
        sa.ForeignKeyConstraint(['request_id'], ['guest_meal_request.id'],
                                name=op.f('fk_guest_ticket_request_id_guest_meal_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_ticket')),
        sa.UniqueConstraint('request_id', 'number', name='uq_guest_ticket_request_number'),
    )
    op.create_table(
        'guest_ticket_redemption',
        sa.Column('id', Id, nullable=False),
        sa.Column('ticket_id', Id, nullable=False),
        sa.Column('entry_id', Id, nullable=False),
        sa.Column('terminal_id', Id, nullable=True),
        sa.Column('redeemed_dt', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['guest_ticket.id'],
                                name=op.f('fk_guest_ticket_redemption_ticket_id_guest_ticket')),
        sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'],
                                name=op.f('fk_guest_ticket_redemption_entry_id_journal_entry')),
        sa.ForeignKeyConstraint(['terminal_id'], ['terminal.id'],
                                name=op.f('fk_guest_ticket_redemption_terminal_id_terminal')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_ticket_redemption')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_guest_ticket_redemption_ticket_id')),
        sa.UniqueConstraint('entry_id', name=op.f('uq_guest_ticket_redemption_entry_id')),
    )
    op.create_table(
        'calendar_day',
        sa.Column('id', Id, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('as_weekday', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('operator_id', Id, nullable=True),
        sa.Column('updated_dt', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_calendar_day_kind')),
        sa.CheckConstraint("(kind = 'workday') = (as_weekday IS NOT NULL)", name=op.f('ck_calendar_day_swap')),
        sa.CheckConstraint('as_weekday IS NULL OR as_weekday BETWEEN 1 AND 5',
                           name=op.f('ck_calendar_day_as_weekday')),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id'], name=op.f('fk_calendar_day_operator_id_operator')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_day')),
        sa.UniqueConstraint('day', name=op.f('uq_calendar_day_day')),
    )
    op.create_table(
        'forecast',
        sa.Column('id', Id, nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('meal_period_id', Id, nullable=False),
        sa.Column('expected', sa.Integer(), nullable=False),
        sa.Column('booked', sa.Integer(), nullable=True),
        sa.Column('basis', sa.String(length=100), nullable=False),
        sa.Column('created_dt', UTCDateTime(), nullable=False),
        sa.CheckConstraint('expected >= 0', name=op.f('ck_forecast_expected')),
        sa.CheckConstraint('day > made_on', name=op.f('ck_forecast_ahead')),
        sa.ForeignKeyConstraint(['meal_period_id'], ['meal_period.id'],
                                name=op.f('fk_forecast_meal_period_id_meal_period')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast')),
        sa.UniqueConstraint('made_on', 'day', 'meal_period_id', name='uq_forecast_made_on_day_period'),
    )
    op.create_index(op.f('ix_forecast_made_on'), 'forecast', ['made_on'])
    op.create_index(op.f('ix_forecast_day'), 'forecast', ['day'])


def downgrade():
    op.drop_index(op.f('ix_forecast_day'), table_name='forecast')
    op.drop_index(op.f('ix_forecast_made_on'), table_name='forecast')
    op.drop_table('forecast')
    op.drop_table('calendar_day')
    op.drop_table('guest_ticket_redemption')
    op.drop_table('guest_ticket')
    op.drop_index(op.f('ix_guest_meal_request_day'), table_name='guest_meal_request')
    op.drop_index(op.f('ix_guest_meal_request_department_id'), table_name='guest_meal_request')
    op.drop_table('guest_meal_request')
    _entry_kinds(lambda kinds: [k for k in kinds if k != KIND])
