"""Issue 16 (report speed): the booking tally (报餐统计) and the trigger that marks days whose bookings changed

Revision ID: a8c1e5f2b9d7
Revises: d4f7a3b5c8e4
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8c1e5f2b9d7'
down_revision = 'd4f7a3b5c8e4'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: The bookings and the meals at a terminal as the rollup counts them, filed as its snapshot of people says (`came`:
#: the meal tally holds a meal at a terminal for that person, day and meal period; `ate`: different such diners).
BACKFILL = """
INSERT INTO booking_tally (day, meal_period_id, department_id, category_id, booked, came, ate)
SELECT day, meal_period_id, department_id, category_id, sum(booked), sum(came), sum(ate) FROM (
    SELECT b.day AS day, b.meal_period_id AS meal_period_id, coalesce(r.department_id, 0) AS department_id,
           coalesce(r.category_id, 0) AS category_id, count(*) AS booked,
           sum(CASE WHEN EXISTS (SELECT 1 FROM meal_tally t WHERE t.person_id = b.person_id
                                 AND t.business_date = b.day AND t.meal_period_id = b.meal_period_id
                                 AND t.terminal_id <> 0 AND t.visits > 0) THEN 1 ELSE 0 END) AS came, 0 AS ate
    FROM meal_booking b LEFT JOIN rollup_person r ON r.person_id = b.person_id
    WHERE b.state = 'booked'
    GROUP BY b.day, b.meal_period_id, coalesce(r.department_id, 0), coalesce(r.category_id, 0)
    UNION ALL
    SELECT t.business_date, t.meal_period_id, coalesce(r.department_id, 0), coalesce(r.category_id, 0), 0, 0,
           count(DISTINCT t.person_id)
    FROM meal_tally t LEFT JOIN rollup_person r ON r.person_id = t.person_id
    WHERE t.terminal_id <> 0 AND t.meal_period_id <> 0 AND t.visits > 0
    GROUP BY t.business_date, t.meal_period_id, coalesce(r.department_id, 0), coalesce(r.category_id, 0)
) AS parts
GROUP BY day, meal_period_id, department_id, category_id
"""
#: Bookings of people the rollup has not filed yet: their days are recounted by the next rollup.
UNFILED = """
INSERT INTO booking_change (day)
SELECT DISTINCT b.day FROM meal_booking b
WHERE NOT EXISTS (SELECT 1 FROM rollup_person r WHERE r.person_id = b.person_id)
"""


def upgrade():
    op.create_table(
        'booking_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        *[sa.Column(name, Id, nullable=False)
          for name in ('meal_period_id', 'department_id', 'category_id', 'booked', 'came', 'ate')],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_tally')),
        sa.UniqueConstraint('day', 'meal_period_id', 'department_id', 'category_id', name='uq_booking_tally_key'),
    )
    op.create_index('ix_booking_tally_department_day', 'booking_tally', ['department_id', 'day'])
    op.create_table(
        'booking_change',
        sa.Column('id', Id, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_change')),
    )
    op.create_index('ix_booking_change_day', 'booking_change', ['day'])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER meal_booking_change_insert AFTER INSERT ON meal_booking "
                   "BEGIN INSERT INTO booking_change (day) VALUES (NEW.day); END")
        op.execute("CREATE TRIGGER meal_booking_change_update AFTER UPDATE ON meal_booking "
                   "BEGIN INSERT INTO booking_change (day) VALUES (NEW.day); "
                   "INSERT INTO booking_change (day) SELECT OLD.day WHERE OLD.day <> NEW.day; END")
        op.execute("CREATE TRIGGER meal_booking_change_delete AFTER DELETE ON meal_booking "
                   "BEGIN INSERT INTO booking_change (day) VALUES (OLD.day); END")
    else:
        op.execute("""
            CREATE FUNCTION canteen_booking_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    INSERT INTO booking_change (day) VALUES (OLD.day);
                END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.day IS DISTINCT FROM OLD.day) THEN
                    INSERT INTO booking_change (day) VALUES (NEW.day);
                END IF;
                RETURN NULL;
            END $$""")
        op.execute("CREATE TRIGGER meal_booking_change AFTER INSERT OR UPDATE OR DELETE ON meal_booking "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_booking_changed()")
    op.execute(BACKFILL)
    op.execute(UNFILED)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS meal_booking_change_{action}")
    else:
        op.execute("DROP TRIGGER IF EXISTS meal_booking_change ON meal_booking")
        op.execute("DROP FUNCTION IF EXISTS canteen_booking_changed()")
    op.drop_index('ix_booking_change_day', table_name='booking_change')
    op.drop_table('booking_change')
    op.drop_index('ix_booking_tally_department_day', table_name='booking_tally')
    op.drop_table('booking_tally')
