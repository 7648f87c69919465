"""Issue 17: dated records (areas, occupancies, ranks, sorting status) and meal dates

Room areas and units' sorting status become dated rows (a change adds a row from its date, never overwrites
one); an occupancy above the standard keeps the reason it was recorded; a fuel-card spend keeps the litres it
bought. Existing rows are carried over: each room's area from the start (its area before any completed
alteration, then each alteration's area from its completion date), each unit's status from the start (and
sorting from its sorting date).

Revision ID: c3e6f2a4b7d3
Revises: b2d5e1f3a6c2
Create Date: 2026-12-07 14:02:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c3e6f2a4b7d3'
down_revision = 'b2d5e1f3a6c2'
branch_labels = None
depends_on = None

#: Rows carried over hold from this date (before any record of the system).
BEGINNING = date(2000, 1, 1)


def upgrade():
    op.create_table(
        "office_room_area",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_office_room_area"),
        sa.Column("room_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("office_room.id", name="fk_office_room_area_room_id_office_room"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("area_dm2", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("office_rectification.id",
                                name="fk_office_room_area_rectification_id_office_rectification"), nullable=True),
        sa.UniqueConstraint("room_id", "valid_from", name="uq_office_room_area_room_from"),
        sa.CheckConstraint("area_dm2 > 0", name="ck_office_room_area_area_dm2"),
    )
    op.create_index("ix_office_room_area_room_id", "office_room_area", ["room_id"])
    op.create_table(
        "waste_unit_status",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_waste_unit_status"),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("waste_unit.id", name="fk_waste_unit_status_unit_id_waste_unit"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("sorting", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("unit_id", "valid_from", name="uq_waste_unit_status_unit_from"),
    )
    op.create_index("ix_waste_unit_status_unit_id", "waste_unit_status", ["unit_id"])
    op.create_table(
        "fuel_volume",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fuel_volume"),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("journal_entry.id", name="fk_fuel_volume_entry_id_journal_entry"), nullable=False),
        sa.Column("fuel", sa.String(8), nullable=False),
        sa.Column("volume_ml", sa.Integer(), nullable=False),
        sa.UniqueConstraint("entry_id", name="uq_fuel_volume_entry_id"),
        sa.CheckConstraint("fuel IN ('petrol', 'diesel')", name="ck_fuel_volume_fuel"),
        sa.CheckConstraint("volume_ml > 0", name="ck_fuel_volume_volume_ml"),
    )
    with op.batch_alter_table("office_occupancy") as batch:
        batch.add_column(sa.Column("over_reason", sa.String(200), nullable=True))
    _carry_over()


def _carry_over():
    """The dated rows of what is there: areas before and after completed alterations, units' status."""
    conn = op.get_bind()
    area = sa.table("office_room_area", sa.column("room_id"), sa.column("valid_from", sa.Date),
                    sa.column("area_dm2"), sa.column("rectification_id"))
    status = sa.table("waste_unit_status", sa.column("unit_id"), sa.column("valid_from", sa.Date),
                      sa.column("in_scope", sa.Boolean), sa.column("sorting", sa.Boolean))
    rooms = conn.execute(sa.text("SELECT id, usable_area_dm2 FROM office_room")).all()
    alterations = conn.execute(sa.text(
        "SELECT id, room_id, area_before_dm2, area_after_dm2, completed_on FROM office_rectification "
        "WHERE kind = 'engineering' AND completed_on IS NOT NULL AND area_after_dm2 IS NOT NULL "
        "ORDER BY completed_on, id")).all()
    by_room: dict = {}
    for row in alterations:
        by_room.setdefault(row.room_id, []).append(row)
    rows = []
    for room_id, current in rooms:
        altered = by_room.get(room_id, [])
        rows.append({"room_id": room_id, "valid_from": BEGINNING, "rectification_id": None,
                     "area_dm2": altered[0].area_before_dm2 if altered else current})
        seen = {BEGINNING}
        for alt in altered:
            day = alt.completed_on if isinstance(alt.completed_on, date) else date.fromisoformat(str(alt.completed_on))
            if day in seen:
                rows[-1]["area_dm2"] = alt.area_after_dm2
                continue
            seen.add(day)
            rows.append({"room_id": room_id, "valid_from": day, "area_dm2": alt.area_after_dm2,
                         "rectification_id": alt.id})
    if rows:
        op.bulk_insert(area, rows)
    units = conn.execute(sa.text("SELECT id, in_scope, sorting, sorting_since FROM waste_unit")).all()
    rows = []
    for unit_id, in_scope, sorting, since in units:
        since = since if since is None or isinstance(since, date) else date.fromisoformat(str(since))
        if sorting and since is not None and since > BEGINNING:
            rows.append({"unit_id": unit_id, "valid_from": BEGINNING, "in_scope": bool(in_scope), "sorting": False})
            rows.append({"unit_id": unit_id, "valid_from": since, "in_scope": bool(in_scope), "sorting": True})
        else:
            rows.append({"unit_id": unit_id, "valid_from": BEGINNING, "in_scope": bool(in_scope),
                         "sorting": bool(sorting)})
    if rows:
        op.bulk_insert(status, rows)


def downgrade():
    with op.batch_alter_table("office_occupancy") as batch:
        batch.drop_column("over_reason")
    op.drop_table("fuel_volume")
    op.drop_index("ix_waste_unit_status_unit_id", table_name="waste_unit_status")
    op.drop_table("waste_unit_status")
    op.drop_index("ix_office_room_area_room_id", table_name="office_room_area")
    op.drop_table("office_room_area")
