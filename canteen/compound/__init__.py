"""The affairs service center's other modules (机关事务服务中心): offices, vehicles, energy, waste sorting,
property and rectification tracking, and the year-end work summary that draws on them all.

Each module is a package with ``models`` (tables), ``services`` (the only code that changes them),
``reports`` (pure functions returning :class:`canteen.reports.base.Report`) and ``sheets`` (.xlsx
template, import and export). Quantities are integers: areas in dm² (0.01 m²), meter readings in
hundredths of the meter's unit, money in fen, distances in km.
"""
