"""Energy: readings, meter swaps, standard coal per person and per m², year on year, targets."""
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from canteen.compound.energy.models import MeterReading
from canteen.compound.energy.reports import energy_report, energy_year
from canteen.compound.energy.services import add_meter, record_reading, set_basis, set_target
from canteen.compound.offices.services import add_building
from canteen.compound.settings import set_setting
from canteen.errors import DomainError
from canteen.extensions import db


@pytest.fixture
def meters(app):
    building = add_building(db.session, name="机关主楼", floor_area_dm2=1_000_000)
    return {kind: add_meter(db.session, code=f"M-{kind}", building=building, kind=kind, opening_c=0)
            for kind in ("electricity", "water", "gas")}


def _read(meter, year, month, value, **swap):
    return record_reading(db.session, meter=meter, month=date(year, month, 1), reading_c=value, **swap)


def test_per_capita_per_m2_and_year_on_year_match_a_direct_recomputation(meters):
    s = db.session
    # 2025: 100 000.00 kWh, 2 000.00 m³ water, 5 000.00 m³ gas; 2026: 90 000.00 kWh, 1 800.00 m³, 5 500.00 m³.
    _read(meters["electricity"], 2025, 6, 5_000_000)
    _read(meters["electricity"], 2025, 12, 10_000_000)
    _read(meters["electricity"], 2026, 12, 19_000_000)
    _read(meters["water"], 2025, 12, 200_000)
    _read(meters["water"], 2026, 12, 380_000)
    _read(meters["gas"], 2025, 12, 500_000)
    _read(meters["gas"], 2026, 12, 1_050_000)
    set_basis(s, year=2025, headcount=200, floor_area_dm2=1_000_000)
    set_basis(s, year=2026, headcount=180, floor_area_dm2=1_000_000)
    coal_2025 = Fraction(100_000) * Fraction("0.1229") + Fraction(5_000) * Fraction("1.2143")
    coal_2026 = Fraction(90_000) * Fraction("0.1229") + Fraction(5_500) * Fraction("1.2143")
    this, last = energy_year(s, 2026), energy_year(s, 2025)
    assert (this.coal_kg, last.coal_kg) == (coal_2026, coal_2025)
    assert this.per_person == coal_2026 / 180 and this.per_m2 == coal_2026 / 10_000
    assert this.water_per_person == Fraction(1_800, 180)
    set_target(s, year=2026, per_m2_gce=1_800, per_person_gce=90_000, water_per_person_l=9_000)
    rows = {r["item"]: r for r in energy_report(s, 2026).rows}
    per_person = rows["人均综合能耗（kgce/人）"]
    assert per_person["this"] == f"{float(coal_2026 / 180):.2f}"
    yoy = (coal_2026 / 180 - coal_2025 / 200) / (coal_2025 / 200) * 100
    assert per_person["change"] == f"{float(yoy):.1f}%"
    assert per_person["met"] == ("达标" if coal_2026 / 180 <= 90 else "未达标") == "未达标"
    assert rows["单位建筑面积能耗（kgce/m²）"]["met"] == "达标"
    assert rows["人均用水量（m³/人）"]["met"] == "未达标"
    set_setting(s, "energy.factor.electricity", "3000")
    assert energy_year(s, 2026).coal_kg == Fraction(90_000) * Fraction("0.3") + Fraction(5_500) * Fraction("1.2143")


def test_a_lower_reading_is_refused_unless_a_meter_swap_is_recorded(meters):
    s = db.session
    meter = meters["electricity"]
    _read(meter, 2026, 1, 100_000)
    for bad, code in ((90_000, "meter_reading_lower"), (-1, "invalid_quantity")):
        with pytest.raises(DomainError) as refused:
            _read(meter, 2026, 2, bad)
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        _read(meter, 2026, 1, 120_000)
    assert refused.value.code == "reading_out_of_order"
    assert s.scalar(select(func.count()).select_from(MeterReading)) == 1
    swapped = _read(meter, 2026, 2, 3_000, old_final_c=150_000, new_start_c=0)
    assert swapped.consumption_c == 50_000 + 3_000
    after = _read(meter, 2026, 3, 4_500)
    assert after.consumption_c == 1_500
    assert energy_year(s, 2026).use_c["electricity"] == 100_000 + 53_000 + 1_500
