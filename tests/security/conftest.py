"""Fixtures for the security tests: every request starts with an empty ``g`` (see tests/admin/conftest.py)."""
import pytest

from tests.admin.conftest import FreshClient


@pytest.fixture(autouse=True)
def fresh_requests(app):
    """Security tests use :class:`FreshClient`."""
    app.test_client_class = FreshClient
