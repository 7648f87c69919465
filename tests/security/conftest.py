"""Fixtures for the security tests: every request starts with an empty ``g`` (see tests/admin/conftest.py)."""
import pytest

from tests.admin.conftest import FreshClient, signed_in  # noqa: F401  (fixtures used here too)
from tests.diner.conftest import diner_client  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_requests(request):
    """Tests with an app use :class:`FreshClient`; tests without one run once, on no database."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").test_client_class = FreshClient
