"""Settings of the compound modules (标准、系数、限额): a default in code, an override in the database.

Values quoted from official texts whose copies could not all be verified (purchase caps, the
mileage renewal criterion, the electricity factor) are settings, so the center can correct them
without a release.
"""
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from canteen.errors import DomainError
from canteen.models.base import Base, Id

#: key -> (default, label). Money in fen, factors in 0.0001 kgce per unit, distances in km.
DEFAULTS: dict[str, tuple[str, str]] = {
    "office.organ_level": ("county", "机关级别（办公用房标准）"),
    "vehicle.cap.confidential": ("12000000", "机要通信用车购置价格上限（分）"),
    "vehicle.cap.emergency": ("18000000", "应急保障用车购置价格上限（分）"),
    "vehicle.cap.law_enforcement": ("18000000", "执法执勤用车购置价格上限（分，特殊需要）"),
    "vehicle.cap.law_enforcement_base": ("12000000", "执法执勤用车购置价格上限（分，超过须说明特殊需要）"),
    "vehicle.displacement.law_enforcement_base": ("1600", "执法执勤用车排量上限（毫升，超过须说明特殊需要）"),
    "vehicle.cap.special": ("45000000", "特种专业技术用车购置价格上限（分，大型客车）"),
    "vehicle.cap.other": ("18000000", "其他公务用车购置价格上限（分）"),
    "vehicle.cap.new_energy_sedan": ("18000000", "新能源轿车购置价格上限（分）"),
    "vehicle.displacement.confidential": ("1600", "机要通信用车排量上限（毫升）"),
    "vehicle.displacement.emergency": ("1800", "应急保障用车排量上限（毫升）"),
    "vehicle.displacement.law_enforcement": ("1800", "执法执勤用车排量上限（毫升）"),
    "vehicle.displacement.special": ("3000", "特种专业技术用车排量上限（毫升）"),
    "vehicle.displacement.other": ("1800", "其他公务用车排量上限（毫升）"),
    "vehicle.renewal_years": ("8", "更新年限（年）"),
    "vehicle.renewal_km": ("250000", "更新里程（公里，未经核实，可调整）"),
    "energy.factor.electricity": ("1229", "电力折标系数（0.0001 kgce/kWh，当量值）"),
    "energy.factor.gas": ("12143", "天然气折标系数（0.0001 kgce/m³）"),
    "energy.factor.heat": ("341", "热力折标系数（0.0001 kgce/MJ）"),
    "energy.factor.water": ("0", "水（不计入能耗）"),
    "energy.factor.petrol": ("14714", "汽油折标系数（0.0001 kgce/kg）"),
    "energy.factor.diesel": ("14571", "柴油折标系数（0.0001 kgce/kg）"),
    "energy.density.petrol": ("7250", "汽油密度（0.0001 kg/L，未经核实，可调整）"),
    "energy.density.diesel": ("8400", "柴油密度（0.0001 kg/L，未经核实，可调整）"),
}


class CompoundSetting(Base):
    """One overridden setting of the compound modules."""

    __tablename__ = "compound_setting"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[str] = mapped_column(String(200))


def get_setting(session: Session, key: str) -> str:
    """The setting's value: the database's override, else the default."""
    if key not in DEFAULTS:
        raise DomainError("invalid_input", f"未知设置 {key}")
    value = session.scalar(select(CompoundSetting.value).where(CompoundSetting.key == key))
    return DEFAULTS[key][0] if value is None else value


def get_int(session: Session, key: str) -> int:
    """A whole-number setting."""
    return int(get_setting(session, key))


def set_setting(session: Session, key: str, value: str) -> None:
    """Override a setting (whole-number settings must stay whole, non-negative numbers)."""
    if key not in DEFAULTS:
        raise DomainError("invalid_input", f"未知设置 {key}")
    value = str(value).strip()
    if DEFAULTS[key][0].isdigit() and not value.isdigit():
        raise DomainError("invalid_quantity", f"{DEFAULTS[key][1]}: {value}")
    row = session.scalar(select(CompoundSetting).where(CompoundSetting.key == key))
    if row is None:
        session.add(CompoundSetting(key=key, value=value))
    else:
        row.value = value
    session.flush()
