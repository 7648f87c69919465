"""diner tally: 就餐人数 per day, meal period, department and category, filled from the meal tally

Revision ID: c40d612f8bba
Revises: a3c5e7f9b1d2
Create Date: 2026-11-28 11:07:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c40d612f8bba'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

#: What the rollup has already tallied, filed as its snapshot of people says (exact up to the watermark).
BACKFILL = """
INSERT INTO diner_tally (business_date, meal_period_id, department_id, category_id, visits, diners)
SELECT t.business_date, t.meal_period_id, coalesce(r.department_id, 0), coalesce(r.category_id, 0),
       sum(t.visits), count(DISTINCT t.person_id)
FROM meal_tally t LEFT JOIN rollup_person r ON r.person_id = t.person_id
WHERE t.visits > 0
GROUP BY t.business_date, t.meal_period_id, coalesce(r.department_id, 0), coalesce(r.category_id, 0)
"""


def upgrade():
    op.create_table(
        'diner_tally',
        sa.Column('id', Id, nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        *[sa.Column(name, Id, nullable=False)
          for name in ('meal_period_id', 'department_id', 'category_id', 'visits', 'diners')],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_diner_tally')),
        sa.UniqueConstraint('business_date', 'meal_period_id', 'department_id', 'category_id',
                            name='uq_diner_tally_key'),
    )
    op.create_index('ix_diner_tally_department_day', 'diner_tally', ['department_id', 'business_date'])
    op.create_index('ix_diner_tally_category_day', 'diner_tally', ['category_id', 'business_date'])
    op.execute(BACKFILL)


def downgrade():
    op.drop_index('ix_diner_tally_category_day', table_name='diner_tally')
    op.drop_index('ix_diner_tally_department_day', table_name='diner_tally')
    op.drop_table('diner_tally')
