"""Every figure by a written definition (统计口径): the definitions, and one function per figure."""
from canteen.figures.canteen import FUNCTIONS, Figure, Sources, canteen_figures, served_meals
from canteen.figures.definitions import CANTEEN, COMPOUND, KITCHEN, Definition, all_definitions, definition

__all__ = ["CANTEEN", "COMPOUND", "FUNCTIONS", "KITCHEN", "Definition", "Figure", "Sources", "all_definitions",
           "canteen_figures", "definition", "served_meals"]
