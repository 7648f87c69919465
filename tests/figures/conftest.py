"""The back office's fixtures (signed-in clients) for the figure tests."""
from tests.admin.conftest import fresh_requests, signed_in  # noqa: F401
