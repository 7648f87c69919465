"""Every table of the compound modules, imported so Alembic and the app see them."""
from canteen.compound.energy.models import EnergyBasis, EnergyTarget, Meter, MeterReading
from canteen.compound.offices.models import (
    OfficeAreaStandard,
    OfficeBuilding,
    OfficeOccupancy,
    OfficeProject,
    OfficeRectification,
    OfficeRoom,
    OfficeRoomArea,
)
from canteen.compound.property.models import EntryRecord, ParkingUse, ParkingWindow, Patrol, RepairOrder
from canteen.compound.rectification.models import RectFinding, RectMeasure, RectProblem, RectRound, RectSuggestion
from canteen.compound.settings import CompoundSetting
from canteen.compound.vehicles.fuel_models import FuelCard, FuelStation, FuelVolume
from canteen.compound.vehicles.models import (
    ChargingPile,
    DispatchSlip,
    Vehicle,
    VehicleApproval,
    VehicleCost,
    VehicleQuota,
)
from canteen.compound.waste.models import CollectionPoint, WasteInspection, WasteRemoval, WasteUnit, WasteUnitStatus

__all__ = [
    "ChargingPile", "CollectionPoint", "CompoundSetting", "DispatchSlip", "EnergyBasis", "EnergyTarget",
    "EntryRecord", "FuelCard", "FuelStation", "Meter", "MeterReading", "OfficeAreaStandard", "OfficeBuilding",
    "OfficeOccupancy",
    "OfficeProject", "OfficeRectification", "OfficeRoom", "ParkingUse", "ParkingWindow", "Patrol", "RectFinding",
    "RectMeasure", "RectProblem", "RectRound", "RectSuggestion", "RepairOrder", "Vehicle", "VehicleApproval",
    "VehicleCost", "VehicleQuota", "WasteInspection", "WasteRemoval", "WasteUnit", "OfficeRoomArea", "FuelVolume",
    "WasteUnitStatus",
]
