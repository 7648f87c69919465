"""Issue 16 (report speed): refunds by their business day; the booking tally by day, covering what 报餐统计 sums

A refund is never booked before its meal, so a report of a period reads only the refunds booked from its first
day on: a partial index holds the refunds alone (taps never touch it) by day, with the meal they refund. On
PostgreSQL it is built CONCURRENTLY: the servers keep booking taps on the journal while it builds (README
"Upgrading, with the servers rolling"). 报餐统计 over a year sums the booking tally's rows of the period: an index
by day that holds the summed columns lets it read them without the table.

Revision ID: e6b2d4f8a1c3
Revises: a8c1e5f2b9d7
Create Date: 2026-12-07 21:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6b2d4f8a1c3'
down_revision = 'a8c1e5f2b9d7'
branch_labels = None
depends_on = None

NAME = "ix_journal_entry_refund_day"
BOOKINGS = "ix_booking_tally_day_cover"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS {BOOKINGS} ON booking_tally (day) "
                   "INCLUDE (department_id, category_id, meal_period_id, booked, came, ate)")
        with op.get_context().autocommit_block():
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON journal_entry (business_date, original_id) "
                       "WHERE kind = 'refund'")
    else:  # SQLite has no INCLUDE: the day alone
        op.execute(f"CREATE INDEX IF NOT EXISTS {BOOKINGS} ON booking_tally (day)")
        op.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON journal_entry (business_date, original_id) "
                   "WHERE kind = 'refund'")


def downgrade():
    op.execute(f"DROP INDEX IF EXISTS {BOOKINGS}")
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
