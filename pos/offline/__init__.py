"""Offline mode (脱机): charge meals from a local snapshot into a durable outbox, and sync it exactly once.

* :mod:`pos.offline.outbox` the SQLite outbox (synchronous=FULL), sealed items with their own sequence;
* :mod:`pos.offline.snapshot` the verified snapshot of cards, balances, prices and the blacklist;
* :mod:`pos.offline.charging` the offline charge with its limits;
* :mod:`pos.offline.sync` the thread that notices the server is gone, drains the outbox and keeps the
  snapshot and blacklist fresh.
"""
