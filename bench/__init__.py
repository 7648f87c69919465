"""Benchmarks: each runs from one command, prints its figures and ends with one JSON line.

``python -m bench.lunch_rush``: card taps per second over HTTP against pgbench's tpcb-like
transactions per second on the same PostgreSQL (see DESIGN.md, "Benchmarks").
"""
