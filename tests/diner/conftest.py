"""Fixtures for the self-service pages: diners with a password, signed-in clients."""
import re

import pytest

from canteen.models import utcnow
from canteen.services.diner_accounts import create_setup_code
from tests.admin.conftest import FreshClient

PASSWORD = "lunch-2026-ok"


@pytest.fixture(autouse=True)
def fresh_requests(app):
    """Every request starts with an empty ``g`` (see tests/admin/conftest.py)."""
    app.test_client_class = FreshClient


def csrf_of(client, path="/me/login") -> str:
    """The CSRF token a self-service page carries for this client's session."""
    page = client.get(path)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)[:300]
    return match.group(1)


def new_code(world, person, **kwargs) -> str:
    """A one-time code made through the service, as a cashier would."""
    code = create_setup_code(world.session, person, now=kwargs.pop("now", utcnow()), **kwargs)
    world.session.commit()
    return code


def set_up(client, staff_no, code, password=PASSWORD, password2=None):
    """Use a one-time code on /me/setup."""
    token = csrf_of(client, "/me/setup")
    return client.post("/me/setup", data={"staff_no": staff_no, "code": code, "password": password,
                                          "password2": password2 or password, "csrf_token": token})


def sign_in(client, staff_no, password=PASSWORD):
    """Sign in on /me/login."""
    return client.post("/me/login", data={"staff_no": staff_no, "password": password,
                                          "csrf_token": csrf_of(client)})


@pytest.fixture
def diner_client(app, world):
    """A factory: (client signed in as `person`); the password is set up through a one-time code."""
    def make(person):
        client = app.test_client()
        response = set_up(client, person.staff_no, new_code(world, person))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        client.person = person
        return client
    return make
