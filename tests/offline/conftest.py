"""The terminal fixtures of tests/pos serve the offline tests too."""
from tests.pos.conftest import canteen, start_terminal  # noqa: F401 - fixtures re-exported
