"""Every compound module the back office shows, in the order of the work summary."""
from admin.compound import energy, offices, property, rectification, vehicles, waste

MODULES = {m.key: m for m in (rectification.MODULE, offices.MODULE, energy.MODULE, vehicles.MODULE, waste.MODULE,
                              property.MODULE)}
