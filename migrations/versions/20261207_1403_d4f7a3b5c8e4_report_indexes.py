"""Issue 16: indexes and tallies for the back-office reports

The meal tally read by terminal: a headcount filtered by terminal reads only that terminal's rows of the period
(terminal, day, meal period, person, visits: an index-only scan), and counting its different diners probes each
person's rows at that terminal (person, terminal, day, visits) instead of all their rows of the period.

Revision ID: d4f7a3b5c8e4
Revises: c3e6f2a4b7d3
Create Date: 2026-12-07 14:03:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd4f7a3b5c8e4'
down_revision = 'c3e6f2a4b7d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meal_tally") as batch:
        batch.create_index("ix_meal_tally_terminal_day",
                           ["terminal_id", "business_date", "meal_period_id", "person_id", "visits"])
        batch.create_index("ix_meal_tally_person_terminal", ["person_id", "terminal_id", "business_date", "visits"])


def downgrade():
    with op.batch_alter_table("meal_tally") as batch:
        batch.drop_index("ix_meal_tally_person_terminal")
        batch.drop_index("ix_meal_tally_terminal_day")
