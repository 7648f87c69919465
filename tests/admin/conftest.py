"""Fixtures for the back office: a week of canteen history, operators of every role, signed-in clients."""
import re

import pytest
from flask import g
from flask.testing import FlaskClient

from tests.admin.dataset import build
from tests.world import PASSWORD


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``.

    The shared ``app`` fixture keeps one app context pushed for the whole test, so without
    this ``g`` (Flask-Login's user, Flask-WTF's token) would leak from one request into the next,
    which never happens in production.
    """

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def fresh_requests(app):
    """Back-office tests use :class:`FreshClient`."""
    app.test_client_class = FreshClient


@pytest.fixture
def canteen(world):
    """The dataset of :mod:`tests.admin.dataset`, built through the services."""
    return build(world)


def csrf_of(client, path="/admin/login") -> str:
    """The CSRF token a page of the back office carries for this client's session."""
    page = client.get(path)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)[:300]
    return match.group(1)


def sign_in(client, username, password=PASSWORD):
    """Sign in through the form, with a CSRF token; returns the response."""
    token = csrf_of(client)
    return client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def signed_in(app, world):
    """A factory: a test client signed in as a new operator of `role`."""
    def make(role):
        operator = world.operator(role)
        client = app.test_client()
        response = sign_in(client, operator.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        client.operator = operator
        return client
    return make
