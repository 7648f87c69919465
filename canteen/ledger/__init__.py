"""The journal's one writer (记账): every money movement is written here, and nowhere else.

Where an entry is written:

- :mod:`canteen.ledger.entry`: :func:`make_entry` builds the :class:`Entry` value and checks its rules once
  (whole fen, nothing absurd, legs that sum to zero, a person's account never below zero, an optimistic entry's
  balances read covering every wallet it was decided on). Pure.
- :mod:`canteen.ledger.chain`: the one definition of an entry's hash (Python; ``canteen_entry_hash`` is the
  database's twin on PostgreSQL).
- :mod:`canteen.ledger.append`: :func:`append` (one entry: locking, deferred to the commit, or optimistic) and
  :func:`append_many` (the offline replay's runs). Every service reaches the journal through these.
- :mod:`canteen.ledger.statements`: the SQL they run, each piece built once (the conditional update that cannot
  overdraw, the one-statement link on PostgreSQL).
- :mod:`canteen.ledger.booking`: :func:`post_entry`, the form for services working with ORM accounts.
- :mod:`canteen.ledger.session`: the ORM Session or a plain-connection :class:`CoreSession` (the tap lane), and
  the deferred entry written right before the commit.
- :mod:`canteen.ledger.accounts`: a person's wallets (locked first) and the system accounts.

``tests/canteen/test_ledger_contract.py`` runs one list of entries through every form on SQLite and PostgreSQL
and finds the same rows, balances and hashes; ``canteen ledger verify`` (:mod:`canteen.services.verify`) proves
the journal afterwards.
"""
