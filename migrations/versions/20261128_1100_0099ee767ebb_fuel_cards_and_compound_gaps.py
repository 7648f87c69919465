"""fuel cards as ledger accounts (一车一卡), designated stations, waste removals, one open office per person

Revision ID: 0099ee767ebb
Revises: e9d2c47b1a63
Create Date: 2026-11-28 11:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0099ee767ebb'
down_revision = 'e9d2c47b1a63'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

OLD_ACCOUNT_KINDS = ("kind IN ('cash', 'subsidy', 'deposit', 'drawer', 'clearing', 'meal_revenue', 'refunds', "
                     "'fee_revenue', 'subsidy_fund')")
NEW_ACCOUNT_KINDS = ("kind IN ('cash', 'subsidy', 'deposit', 'drawer', 'clearing', 'meal_revenue', 'refunds', "
                     "'fee_revenue', 'subsidy_fund', 'fuel_card', 'fuel_fund', 'fuel_station')")
OLD_OVERDRAFT = "kind NOT IN ('cash', 'subsidy', 'deposit') OR balance >= 0"
NEW_OVERDRAFT = "kind NOT IN ('cash', 'subsidy', 'deposit', 'fuel_card') OR balance >= 0"
OLD_ENTRY_KINDS = ("kind IN ('card_issue', 'top_up', 'meal', 'refund', 'card_fee', 'cancel', 'subsidy', "
                   "'subsidy_expiry')")
NEW_ENTRY_KINDS = ("kind IN ('card_issue', 'top_up', 'meal', 'refund', 'card_fee', 'cancel', 'subsidy', "
                   "'subsidy_expiry', 'fuel_top_up', 'fuel_spend')")
#: (table, constraint, old condition, new condition)
CHECKS = [
    ('account', 'ck_account_kind', OLD_ACCOUNT_KINDS, NEW_ACCOUNT_KINDS),
    ('account', 'ck_account_no_overdraft', OLD_OVERDRAFT, NEW_OVERDRAFT),
    ('journal_entry', 'ck_journal_entry_kind', OLD_ENTRY_KINDS, NEW_ENTRY_KINDS),
]


def _swap_checks(forward: bool):
    """Widen (or narrow back) the kind checks of the ledger tables.

    SQLite cannot alter a CHECK, and rebuilding ``journal_entry`` would drop its append-only triggers and
    trip the foreign keys pointing at it; SQLite documents editing the stored schema text for a change
    that leaves every stored row valid, which is what a widened IN list is. PostgreSQL swaps constraints.
    """
    bind = op.get_bind()
    for table, name, old, new in CHECKS:
        before, after = (old, new) if forward else (new, old)
        if bind.dialect.name == 'sqlite':
            stored = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                          (table,)).scalar()
            if before not in stored:
                raise RuntimeError(f'{table}: check {name} is not as expected: {before}')
            version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
            bind.exec_driver_sql('PRAGMA writable_schema = ON')
            bind.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
                                 (before, after, table))
            bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
            bind.exec_driver_sql('PRAGMA writable_schema = OFF')
        else:
            op.drop_constraint(op.f(name), table, type_='check')
            op.create_check_constraint(op.f(name), table, after)


def upgrade():
    _swap_checks(True)
    op.create_table(
        'fuel_station',
        sa.Column('id', Id, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=True),
        sa.Column('designated', sa.Boolean(), nullable=False),
        sa.Column('account_id', Id, nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_fuel_station_account_id_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fuel_station')),
        sa.UniqueConstraint('account_id', name=op.f('uq_fuel_station_account_id')),
        sa.UniqueConstraint('name', name=op.f('uq_fuel_station_name')),
    )
    op.create_table(
        'fuel_card',
        sa.Column('id', Id, nullable=False),
        sa.Column('vehicle_id', Id, nullable=False),
        sa.Column('card_no', sa.String(length=32), nullable=False),
        sa.Column('account_id', Id, nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_fuel_card_account_id_account')),
        sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_fuel_card_vehicle_id_vehicle')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fuel_card')),
        sa.UniqueConstraint('account_id', name=op.f('uq_fuel_card_account_id')),
        sa.UniqueConstraint('card_no', name=op.f('uq_fuel_card_card_no')),
        sa.UniqueConstraint('vehicle_id', name=op.f('uq_fuel_card_vehicle_id')),
    )
    op.create_table(
        'waste_removal',
        sa.Column('id', Id, nullable=False),
        sa.Column('removed_on', sa.Date(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('weight_c', sa.Integer(), nullable=False),
        sa.Column('hauler', sa.String(length=100), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.CheckConstraint("category IN ('recyclable', 'hazardous', 'kitchen', 'other')",
                           name=op.f('ck_waste_removal_category')),
        sa.CheckConstraint('weight_c > 0', name=op.f('ck_waste_removal_weight_c')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waste_removal')),
    )
    op.create_index('ix_waste_removal_removed_on', 'waste_removal', ['removed_on'])
    op.create_index('uq_office_occupancy_open_person', 'office_occupancy', ['person_name'], unique=True,
                    sqlite_where=sa.text('end_on IS NULL'), postgresql_where=sa.text('end_on IS NULL'))
    op.execute("INSERT INTO account (kind, code, balance) VALUES ('fuel_fund', 'fuel_fund', 0)")


def downgrade():
    op.drop_index('uq_office_occupancy_open_person', table_name='office_occupancy')
    op.drop_index('ix_waste_removal_removed_on', table_name='waste_removal')
    op.drop_table('waste_removal')
    op.drop_table('fuel_card')
    op.drop_table('fuel_station')
    # Fuel postings are append-only history: a database that booked any cannot go back.
    op.execute("DELETE FROM account WHERE kind IN ('fuel_card', 'fuel_fund', 'fuel_station')")
    _swap_checks(False)
