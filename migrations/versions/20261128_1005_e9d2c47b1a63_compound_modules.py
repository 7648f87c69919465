"""the service center's other modules: offices, vehicles, energy, waste sorting, property, rectification

Revision ID: e9d2c47b1a63
Revises: c3f8a1d5e7b2
Create Date: 2026-11-28 10:05:00

"""
import sqlalchemy as sa
from alembic import op

from canteen.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e9d2c47b1a63'
down_revision = 'c3f8a1d5e7b2'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
#: Money in fen (BIGINT on PostgreSQL).
Fen = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def table(name, *items):
    """A table with an ``id`` primary key named by the naming convention."""
    op.create_table(name, column('id', Id), *items, sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')))


def column(name, type_, null=False):
    """A column, NOT NULL unless said otherwise (as the models declare them)."""
    return sa.Column(name, type_, nullable=null)


#: Every table this revision creates, parents before children.
TABLES = [
    'charging_pile', 'compound_setting', 'energy_basis', 'energy_target', 'entry_record', 'office_area_standard',
    'office_building', 'parking_window', 'rect_round', 'repair_order', 'vehicle', 'vehicle_quota',
    'waste_collection_point', 'waste_unit', 'dispatch_slip', 'energy_meter', 'office_project', 'office_room',
    'parking_use', 'patrol', 'rect_finding', 'vehicle_approval', 'vehicle_cost', 'waste_inspection',
    'energy_meter_reading', 'office_occupancy', 'office_rectification', 'rect_problem', 'rect_suggestion',
    'rect_measure',
]


def upgrade():
    table('charging_pile',
        column('code', sa.String(length=32)), column('location', sa.String(length=200)),
        column('power_kw', sa.Integer()), column('built_on', sa.Date()), column('active', sa.Boolean()),
        sa.CheckConstraint('power_kw > 0', name=op.f('ck_charging_pile_power_kw')),
        sa.UniqueConstraint('code', name='uq_charging_pile_code'))
    table('compound_setting',
        column('key', sa.String(length=64)), column('value', sa.String(length=200)),
        sa.UniqueConstraint('key', name=op.f('uq_compound_setting_key')))
    table('energy_basis',
        column('year', sa.Integer()), column('headcount', sa.Integer()), column('floor_area_dm2', sa.Integer()),
        sa.CheckConstraint('floor_area_dm2 > 0', name=op.f('ck_energy_basis_floor_area_dm2')),
        sa.CheckConstraint('headcount > 0', name=op.f('ck_energy_basis_headcount')),
        sa.UniqueConstraint('year', name=op.f('uq_energy_basis_year')))
    table('energy_target',
        column('year', sa.Integer()), column('per_m2_gce', sa.Integer()), column('per_person_gce', sa.Integer()),
        column('water_per_person_l', sa.Integer()),
        sa.CheckConstraint('per_m2_gce > 0', name=op.f('ck_energy_target_per_m2_gce')),
        sa.CheckConstraint('per_person_gce > 0', name=op.f('ck_energy_target_per_person_gce')),
        sa.CheckConstraint('water_per_person_l > 0', name=op.f('ck_energy_target_water_per_person_l')),
        sa.UniqueConstraint('year', name=op.f('uq_energy_target_year')))
    table('entry_record',
        column('kind', sa.String(length=16)), column('name', sa.String(length=50)),
        column('plate', sa.String(length=16), null=True), column('host', sa.String(length=100)),
        column('purpose', sa.String(length=200)), column('in_dt', UTCDateTime()),
        column('out_dt', UTCDateTime(), null=True),
        sa.CheckConstraint("kind = 'visitor' OR plate IS NOT NULL", name=op.f('ck_entry_record_plate')),
        sa.CheckConstraint("kind IN ('visitor', 'vehicle')", name=op.f('ck_entry_record_kind')),
        sa.CheckConstraint('out_dt IS NULL OR out_dt >= in_dt', name=op.f('ck_entry_record_dates')))
    op.create_index(op.f('ix_entry_record_in_dt'), 'entry_record', ['in_dt'])
    table('office_area_standard',
        column('level', sa.String(length=16)), column('rank_code', sa.String(length=32)),
        column('rank_name', sa.String(length=50)), column('limit_dm2', sa.Integer()),
        column('tier', sa.String(length=8)), column('sort', sa.Integer()),
        sa.CheckConstraint("tier IN ('top', 'middle', 'staff')", name=op.f('ck_office_area_standard_tier')),
        sa.CheckConstraint('limit_dm2 > 0', name=op.f('ck_office_area_standard_limit_dm2')),
        sa.UniqueConstraint('level', 'rank_code', name='uq_office_area_standard_level_rank'))
    table('office_building',
        column('name', sa.String(length=100)), column('address', sa.String(length=200), null=True),
        column('floor_area_dm2', sa.Integer(), null=True),
        sa.CheckConstraint('floor_area_dm2 IS NULL OR floor_area_dm2 > 0',
            name=op.f('ck_office_building_floor_area_dm2')),
        sa.UniqueConstraint('name', name=op.f('uq_office_building_name')))
    table('parking_window',
        column('name', sa.String(length=100)), column('spaces', sa.Integer()),
        column('weekdays', sa.String(length=7)), column('opens', sa.Time()), column('closes', sa.Time()),
        column('active', sa.Boolean()), column('since', sa.Date(), null=True),
        sa.CheckConstraint('spaces > 0', name=op.f('ck_parking_window_spaces')),
        sa.UniqueConstraint('name', name=op.f('uq_parking_window_name')))
    table('rect_round',
        column('title', sa.String(length=200)), column('inspector', sa.String(length=100)),
        column('start_on', sa.Date()), column('end_on', sa.Date()), column('feedback_on', sa.Date(), null=True),
        sa.CheckConstraint('end_on >= start_on', name=op.f('ck_rect_round_dates')),
        sa.UniqueConstraint('title', name=op.f('uq_rect_round_title')))
    table('repair_order',
        column('reported_dt', UTCDateTime()), column('reporter', sa.String(length=50)),
        column('location', sa.String(length=200)), column('description', sa.Text()),
        column('state', sa.String(length=16)), column('assignee', sa.String(length=50), null=True),
        column('assigned_dt', UTCDateTime(), null=True), column('done_dt', UTCDateTime(), null=True),
        column('cost_fen', Fen, null=True),
        sa.CheckConstraint("(state = 'done') = (done_dt IS NOT NULL)", name=op.f('ck_repair_order_done_dt')),
        sa.CheckConstraint("state = 'reported' OR state = 'cancelled' OR assignee IS NOT NULL",
            name=op.f('ck_repair_order_assignee')),
        sa.CheckConstraint("state IN ('reported', 'assigned', 'done', 'cancelled')",
            name=op.f('ck_repair_order_state')),
        sa.CheckConstraint('cost_fen IS NULL OR cost_fen >= 0', name=op.f('ck_repair_order_cost_fen')))
    op.create_index(op.f('ix_repair_order_reported_dt'), 'repair_order', ['reported_dt'])
    table('vehicle',
        column('plate', sa.String(length=16)), column('type', sa.String(length=16)),
        column('energy', sa.String(length=16)), column('model', sa.String(length=100), null=True),
        column('seats', sa.Integer()), column('displacement_ml', sa.Integer(), null=True), column('price_fen', Fen),
        column('purchase_date', sa.Date()), column('mileage_km', sa.Integer()), column('state', sa.String(length=16)),
        column('disposed_on', sa.Date(), null=True), column('disposal_method', sa.String(length=16), null=True),
        sa.CheckConstraint("(state = 'disposed') = (disposed_on IS NOT NULL)", name=op.f('ck_vehicle_disposed_on')),
        sa.CheckConstraint("energy IN ('gasoline', 'diesel', 'hybrid', 'electric', 'other')",
            name=op.f('ck_vehicle_energy')),
        sa.CheckConstraint("state IN ('in_service', 'repair', 'disposed')", name=op.f('ck_vehicle_state')),
        sa.CheckConstraint("type IN ('confidential', 'emergency', 'law_enforcement', 'special', 'other')",
            name=op.f('ck_vehicle_type')),
        sa.CheckConstraint('mileage_km >= 0', name=op.f('ck_vehicle_mileage_km')),
        sa.CheckConstraint('price_fen >= 0', name=op.f('ck_vehicle_price_fen')),
        sa.CheckConstraint('seats > 0', name=op.f('ck_vehicle_seats')),
        sa.UniqueConstraint('plate', name=op.f('uq_vehicle_plate')))
    table('vehicle_quota',
        column('type', sa.String(length=16)), column('quota', sa.Integer()),
        sa.CheckConstraint("type IN ('confidential', 'emergency', 'law_enforcement', 'special', 'other')",
            name=op.f('ck_vehicle_quota_type')),
        sa.CheckConstraint('quota >= 0', name=op.f('ck_vehicle_quota_quota')),
        sa.UniqueConstraint('type', name=op.f('uq_vehicle_quota_type')))
    table('waste_collection_point',
        column('name', sa.String(length=100)), column('location', sa.String(length=200)),
        column('categories', sa.String(length=100)), column('active', sa.Boolean()),
        sa.UniqueConstraint('name', name=op.f('uq_waste_collection_point_name')))
    table('waste_unit',
        column('name', sa.String(length=100)), column('in_scope', sa.Boolean()), column('sorting', sa.Boolean()),
        column('sorting_since', sa.Date(), null=True), column('demo_on', sa.Date(), null=True),
        column('demo_by', sa.String(length=100), null=True),
        sa.CheckConstraint('demo_on IS NULL OR demo_by IS NOT NULL', name=op.f('ck_waste_unit_demo_by')),
        sa.UniqueConstraint('name', name=op.f('uq_waste_unit_name')))
    table('dispatch_slip',
        column('vehicle_id', Id), column('requester', sa.String(length=50)),
        column('department', sa.String(length=100)), column('purpose', sa.String(length=200)),
        column('destination', sa.String(length=200)), column('planned_out_dt', UTCDateTime()),
        column('planned_back_dt', UTCDateTime()), column('approved_by', sa.String(length=50)),
        column('driver', sa.String(length=50)), column('actual_out_dt', UTCDateTime(), null=True),
        column('actual_back_dt', UTCDateTime(), null=True), column('distance_km', sa.Integer(), null=True),
        column('state', sa.String(length=16)), column('created_dt', UTCDateTime()),
        sa.CheckConstraint("state IN ('approved', 'returned', 'cancelled')", name=op.f('ck_dispatch_slip_state')),
        sa.CheckConstraint('actual_back_dt IS NULL OR actual_back_dt >= actual_out_dt',
            name=op.f('ck_dispatch_slip_actual')),
        sa.CheckConstraint('distance_km IS NULL OR distance_km >= 0', name=op.f('ck_dispatch_slip_distance_km')),
        sa.CheckConstraint('planned_back_dt > planned_out_dt', name=op.f('ck_dispatch_slip_planned')),
        sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_dispatch_slip_vehicle_id_vehicle')))
    op.create_index(op.f('ix_dispatch_slip_vehicle_id'), 'dispatch_slip', ['vehicle_id'])
    table('energy_meter',
        column('code', sa.String(length=32)), column('building_id', Id), column('kind', sa.String(length=16)),
        column('opening_c', sa.Integer()), column('note', sa.String(length=200), null=True),
        sa.CheckConstraint("kind IN ('electricity', 'water', 'gas', 'heat')", name=op.f('ck_energy_meter_kind')),
        sa.CheckConstraint('opening_c >= 0', name=op.f('ck_energy_meter_opening_c')),
        sa.ForeignKeyConstraint(['building_id'], ['office_building.id'],
            name=op.f('fk_energy_meter_building_id_office_building')),
        sa.UniqueConstraint('code', name=op.f('uq_energy_meter_code')))
    op.create_index(op.f('ix_energy_meter_building_id'), 'energy_meter', ['building_id'])
    table('office_project',
        column('name', sa.String(length=200)), column('building_id', Id, null=True), column('contract_fen', Fen),
        column('started_on', sa.Date(), null=True), column('completed_on', sa.Date(), null=True),
        column('audit_state', sa.String(length=16)), column('audited_fen', Fen, null=True),
        column('audited_on', sa.Date(), null=True), column('created_dt', UTCDateTime()),
        sa.CheckConstraint("(audit_state = 'audited') = (audited_on IS NOT NULL)",
            name=op.f('ck_office_project_audited_on')),
        sa.CheckConstraint("audit_state IN ('pending', 'auditing', 'audited')",
            name=op.f('ck_office_project_audit_state')),
        sa.CheckConstraint('audited_fen IS NULL OR audited_fen >= 0', name=op.f('ck_office_project_audited_fen')),
        sa.CheckConstraint('contract_fen >= 0', name=op.f('ck_office_project_contract_fen')),
        sa.ForeignKeyConstraint(['building_id'], ['office_building.id'],
            name=op.f('fk_office_project_building_id_office_building')),
        sa.UniqueConstraint('name', name=op.f('uq_office_project_name')))
    table('office_room',
        column('building_id', Id), column('floor', sa.Integer()), column('room_no', sa.String(length=32)),
        column('use', sa.String(length=50)), column('unit_name', sa.String(length=100)),
        column('usable_area_dm2', sa.Integer()), column('capacity', sa.Integer()),
        sa.CheckConstraint('capacity > 0', name=op.f('ck_office_room_capacity')),
        sa.CheckConstraint('usable_area_dm2 > 0', name=op.f('ck_office_room_usable_area_dm2')),
        sa.ForeignKeyConstraint(['building_id'], ['office_building.id'],
            name=op.f('fk_office_room_building_id_office_building')),
        sa.UniqueConstraint('building_id', 'room_no', name='uq_office_room_building_room'))
    op.create_index(op.f('ix_office_room_building_id'), 'office_room', ['building_id'])
    table('parking_use',
        column('window_id', Id), column('plate', sa.String(length=16)), column('in_dt', UTCDateTime()),
        column('out_dt', UTCDateTime(), null=True),
        sa.CheckConstraint('out_dt IS NULL OR out_dt >= in_dt', name=op.f('ck_parking_use_dates')),
        sa.ForeignKeyConstraint(['window_id'], ['parking_window.id'],
            name=op.f('fk_parking_use_window_id_parking_window')))
    op.create_index(op.f('ix_parking_use_in_dt'), 'parking_use', ['in_dt'])
    op.create_index(op.f('ix_parking_use_window_id'), 'parking_use', ['window_id'])
    table('patrol',
        column('patrolled_dt', UTCDateTime()), column('patroller', sa.String(length=50)),
        column('route', sa.String(length=200)), column('issues', sa.Text(), null=True),
        column('repair_order_id', Id, null=True),
        sa.ForeignKeyConstraint(['repair_order_id'], ['repair_order.id'],
            name=op.f('fk_patrol_repair_order_id_repair_order')))
    op.create_index(op.f('ix_patrol_patrolled_dt'), 'patrol', ['patrolled_dt'])
    table('rect_finding',
        column('round_id', Id), column('aspect', sa.String(length=100)), column('category', sa.String(length=100)),
        column('text', sa.Text()),
        sa.ForeignKeyConstraint(['round_id'], ['rect_round.id'], name=op.f('fk_rect_finding_round_id_rect_round')))
    op.create_index(op.f('ix_rect_finding_round_id'), 'rect_finding', ['round_id'])
    table('vehicle_approval',
        column('kind', sa.String(length=16)), column('vehicle_id', Id, null=True),
        column('type', sa.String(length=16), null=True), column('energy', sa.String(length=16), null=True),
        column('price_fen', Fen, null=True), column('displacement_ml', sa.Integer(), null=True),
        column('disposal_method', sa.String(length=16), null=True), column('reason', sa.Text()),
        column('state', sa.String(length=16)), column('requested_on', sa.Date()),
        column('decided_by', sa.String(length=50), null=True), column('decided_on', sa.Date(), null=True),
        sa.CheckConstraint("kind = 'purchase' OR vehicle_id IS NOT NULL",
            name=op.f('ck_vehicle_approval_disposal_vehicle')),
        sa.CheckConstraint("kind IN ('purchase', 'disposal')", name=op.f('ck_vehicle_approval_kind')),
        sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')", name=op.f('ck_vehicle_approval_state')),
        sa.CheckConstraint('price_fen IS NULL OR price_fen >= 0', name=op.f('ck_vehicle_approval_price_fen')),
        sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_vehicle_approval_vehicle_id_vehicle')))
    table('vehicle_cost',
        column('vehicle_id', Id), column('month', sa.Date()), column('item', sa.String(length=16)),
        column('amount_fen', Fen), column('vendor', sa.String(length=100), null=True),
        column('note', sa.String(length=200), null=True),
        sa.CheckConstraint("item IN ('fuel', 'repair', 'insurance', 'inspection', 'tax', 'parking', 'toll')",
            name=op.f('ck_vehicle_cost_item')),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_vehicle_cost_amount_fen')),
        sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_vehicle_cost_vehicle_id_vehicle')))
    op.create_index(op.f('ix_vehicle_cost_month'), 'vehicle_cost', ['month'])
    op.create_index(op.f('ix_vehicle_cost_vehicle_id'), 'vehicle_cost', ['vehicle_id'])
    table('waste_inspection',
        column('inspected_on', sa.Date()), column('point_id', Id), column('unit_id', Id),
        column('inspector', sa.String(length=50)), column('correct', sa.Boolean()),
        column('note', sa.String(length=200), null=True),
        sa.ForeignKeyConstraint(['point_id'], ['waste_collection_point.id'],
            name=op.f('fk_waste_inspection_point_id_waste_collection_point')),
        sa.ForeignKeyConstraint(['unit_id'], ['waste_unit.id'], name=op.f('fk_waste_inspection_unit_id_waste_unit')))
    op.create_index(op.f('ix_waste_inspection_inspected_on'), 'waste_inspection', ['inspected_on'])
    op.create_index(op.f('ix_waste_inspection_point_id'), 'waste_inspection', ['point_id'])
    op.create_index(op.f('ix_waste_inspection_unit_id'), 'waste_inspection', ['unit_id'])
    table('energy_meter_reading',
        column('meter_id', Id), column('month', sa.Date()), column('reading_c', sa.Integer()),
        column('consumption_c', sa.Integer()), column('swapped', sa.Boolean()),
        column('old_final_c', sa.Integer(), null=True), column('new_start_c', sa.Integer(), null=True),
        column('recorded_by', sa.String(length=50), null=True), column('created_dt', UTCDateTime()),
        sa.CheckConstraint('consumption_c >= 0', name=op.f('ck_energy_meter_reading_consumption_c')),
        sa.CheckConstraint('new_start_c IS NULL OR (new_start_c >= 0 AND new_start_c <= reading_c)',
            name=op.f('ck_energy_meter_reading_new_start_c')),
        sa.CheckConstraint('old_final_c IS NULL OR old_final_c >= 0',
            name=op.f('ck_energy_meter_reading_old_final_c')),
        sa.CheckConstraint('reading_c >= 0', name=op.f('ck_energy_meter_reading_reading_c')),
        sa.CheckConstraint('swapped = (old_final_c IS NOT NULL AND new_start_c IS NOT NULL)',
            name=op.f('ck_energy_meter_reading_swap')),
        sa.ForeignKeyConstraint(['meter_id'], ['energy_meter.id'],
            name=op.f('fk_energy_meter_reading_meter_id_energy_meter')),
        sa.UniqueConstraint('meter_id', 'month', name='uq_energy_meter_reading_meter_month'))
    op.create_index(op.f('ix_energy_meter_reading_meter_id'), 'energy_meter_reading', ['meter_id'])
    table('office_occupancy',
        column('room_id', Id), column('person_name', sa.String(length=50)), column('post', sa.String(length=100)),
        column('rank_code', sa.String(length=32)), column('start_on', sa.Date()),
        column('end_on', sa.Date(), null=True),
        sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_office_occupancy_dates')),
        sa.ForeignKeyConstraint(['room_id'], ['office_room.id'],
            name=op.f('fk_office_occupancy_room_id_office_room')))
    op.create_index(op.f('ix_office_occupancy_person_name'), 'office_occupancy', ['person_name'])
    op.create_index(op.f('ix_office_occupancy_room_id'), 'office_occupancy', ['room_id'])
    table('office_rectification',
        column('room_id', Id), column('kind', sa.String(length=16)), column('tier', sa.String(length=8)),
        column('person_name', sa.String(length=50)), column('area_before_dm2', sa.Integer()),
        column('area_after_dm2', sa.Integer(), null=True), column('to_room_id', Id, null=True),
        column('started_on', sa.Date()), column('completed_on', sa.Date(), null=True),
        column('note', sa.Text(), null=True),
        sa.CheckConstraint("kind IN ('engineering', 'swap')", name=op.f('ck_office_rectification_kind')),
        sa.CheckConstraint('area_after_dm2 IS NULL OR area_after_dm2 > 0',
            name=op.f('ck_office_rectification_area_after_dm2')),
        sa.CheckConstraint('completed_on IS NULL OR completed_on >= started_on',
            name=op.f('ck_office_rectification_dates')),
        sa.ForeignKeyConstraint(['room_id'], ['office_room.id'],
            name=op.f('fk_office_rectification_room_id_office_room')),
        sa.ForeignKeyConstraint(['to_room_id'], ['office_room.id'],
            name=op.f('fk_office_rectification_to_room_id_office_room')))
    op.create_index(op.f('ix_office_rectification_room_id'), 'office_rectification', ['room_id'])
    table('rect_problem',
        column('finding_id', Id), column('text', sa.Text()), column('leader', sa.String(length=50)),
        column('deadline', sa.Date()), column('state', sa.String(length=16)), column('done_on', sa.Date(), null=True),
        sa.CheckConstraint("(state = 'done') = (done_on IS NOT NULL)", name=op.f('ck_rect_problem_done_on')),
        sa.CheckConstraint("state IN ('open', 'done', 'deferred')", name=op.f('ck_rect_problem_state')),
        sa.ForeignKeyConstraint(['finding_id'], ['rect_finding.id'],
            name=op.f('fk_rect_problem_finding_id_rect_finding')))
    op.create_index(op.f('ix_rect_problem_finding_id'), 'rect_problem', ['finding_id'])
    table('rect_suggestion',
        column('finding_id', Id), column('text', sa.Text()),
        sa.ForeignKeyConstraint(['finding_id'], ['rect_finding.id'],
            name=op.f('fk_rect_suggestion_finding_id_rect_finding')))
    op.create_index(op.f('ix_rect_suggestion_finding_id'), 'rect_suggestion', ['finding_id'])
    table('rect_measure',
        column('problem_id', Id), column('text', sa.Text()), column('is_rule', sa.Boolean()),
        sa.ForeignKeyConstraint(['problem_id'], ['rect_problem.id'],
            name=op.f('fk_rect_measure_problem_id_rect_problem')))
    op.create_index(op.f('ix_rect_measure_problem_id'), 'rect_measure', ['problem_id'])


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
