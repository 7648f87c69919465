"""The back office's fixtures (a week of history, signed-in clients) for the report tests."""
from tests.admin.conftest import canteen, fresh_requests, signed_in  # noqa: F401
