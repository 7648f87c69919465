"""Issue 16 (report speed): refund_meal, each refund of a meal with its meal's day, terminal and meal period

Filled by a trigger on the journal for every refund booked from now on, and here from the journal for those booked
before. Reports of long periods read it instead of looking up each refunded meal in the journal.

Revision ID: f7c3e5a9b2d4
Revises: e6b2d4f8a1c3
Create Date: 2026-12-07 21:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f7c3e5a9b2d4'
down_revision = 'e6b2d4f8a1c3'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: The row of one refund, NEW (a trigger) or r (the backfill), when its original is a meal.
ROW = ("SELECT {r}.id, m.id, m.business_date, m.terminal_id, m.meal_period_id, {r}.person_id, {r}.amount, "
       "{r}.operator_id, {r}.created_dt FROM journal_entry m WHERE m.id = {r}.original_id AND m.kind = 'meal'")
COLUMNS = "refund_id, meal_id, business_date, terminal_id, meal_period_id, person_id, amount, operator_id, created_dt"


def upgrade():
    op.create_table(
        'refund_meal',
        sa.Column('refund_id', Id, nullable=False),
        sa.Column('meal_id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('terminal_id', Id, nullable=True),
        sa.Column('meal_period_id', Id, nullable=True),
        sa.Column('person_id', Id, nullable=True),
        sa.Column('amount', Id, nullable=False),
        sa.Column('operator_id', Id, nullable=True),
        sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['refund_id'], ['journal_entry.id'], name=op.f('fk_refund_meal_refund_id_journal_entry')),
        sa.PrimaryKeyConstraint('refund_id', name=op.f('pk_refund_meal')),
    )
    op.create_index('ix_refund_meal_day', 'refund_meal', ['business_date'])
    # Facts of the journal: as append-only as the journal itself.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER refund_meal_insert AFTER INSERT ON journal_entry WHEN NEW.kind = 'refund' "
                   f"BEGIN INSERT INTO refund_meal ({COLUMNS}) {ROW.format(r='NEW')}; END")
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER refund_meal_no_{action.lower()} BEFORE {action} ON refund_meal "
                       f"BEGIN SELECT RAISE(ABORT, 'refund_meal is append-only: {action} refused'); END")
    else:
        op.execute("CREATE TRIGGER refund_meal_append_only BEFORE UPDATE OR DELETE ON refund_meal "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_append_only()")
        op.execute("CREATE TRIGGER refund_meal_no_truncate BEFORE TRUNCATE ON refund_meal "
                   "FOR EACH STATEMENT EXECUTE FUNCTION canteen_append_only()")
        op.execute(f"""
            CREATE FUNCTION canteen_refund_meal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO refund_meal ({COLUMNS}) {ROW.format(r='NEW')};
                RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER refund_meal_insert AFTER INSERT ON journal_entry FOR EACH ROW "
                   "WHEN (NEW.kind = 'refund') EXECUTE FUNCTION canteen_refund_meal()")
    op.execute(f"INSERT INTO refund_meal ({COLUMNS}) SELECT r.id, m.id, m.business_date, m.terminal_id, "
               "m.meal_period_id, r.person_id, r.amount, r.operator_id, r.created_dt FROM journal_entry r "
               "JOIN journal_entry m ON m.id = r.original_id AND m.kind = 'meal' WHERE r.kind = 'refund'")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "no_update", "no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS refund_meal_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS refund_meal_insert ON journal_entry")
        op.execute("DROP FUNCTION IF EXISTS canteen_refund_meal()")
    op.drop_index('ix_refund_meal_day', table_name='refund_meal')
    op.drop_table('refund_meal')
