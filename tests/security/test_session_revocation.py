"""Sessions are ended on the server: a copied cookie stops working after sign-out, a password change and
deactivation, on the back office (/admin/) and the diners' pages (/me/)."""
from sqlalchemy import update

from canteen.extensions import db
from canteen.models import Operator, Person
from tests.admin.conftest import csrf_of
from tests.diner.conftest import csrf_of as diner_csrf_of


def _copy(app, client):
    """A second client carrying a copy of `client`'s session cookie (as a thief would)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _in_back_office(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 200


def _in_diner_pages(client) -> bool:
    response = client.get("/me/")
    return response.status_code == 200


def test_a_copied_back_office_cookie_stops_working_after_sign_out(app, signed_in):
    client = signed_in("manager")
    thief = _copy(app, client)
    assert _in_back_office(thief)
    assert client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")}).status_code == 302
    assert not _in_back_office(thief)
    assert not _in_back_office(client)


def test_a_copied_back_office_cookie_stops_working_after_a_password_change(app, signed_in):
    client = signed_in("manager")
    thief = _copy(app, client)
    token = csrf_of(client, "/admin/password")
    changed = client.post("/admin/password", data={"old": "correct-horse-9", "new": "another-horse-42",
                                                   "csrf_token": token})
    assert changed.status_code == 302
    assert _in_back_office(client)  # the session that changed it goes on
    assert not _in_back_office(thief)


def test_a_copied_back_office_cookie_stops_working_after_deactivation(app, signed_in):
    client = signed_in("manager")
    thief = _copy(app, client)
    db.session.execute(update(Operator).where(Operator.id == client.operator.id).values(active=False))
    db.session.commit()
    assert not _in_back_office(thief) and not _in_back_office(client)


def test_signing_in_again_after_sign_out_works(app, signed_in):
    from tests.admin.conftest import sign_in
    client = signed_in("manager")
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    assert sign_in(client, client.operator.username).status_code == 302
    assert _in_back_office(client)


def test_a_copied_diner_cookie_stops_working_after_sign_out(app, world, diner_client):
    person = world.person()
    client = diner_client(person)
    thief = _copy(app, client)
    assert _in_diner_pages(thief)
    assert client.post("/me/logout", data={"csrf_token": diner_csrf_of(client, "/me/")}).status_code == 302
    assert not _in_diner_pages(thief)
    assert not _in_diner_pages(client)


def test_a_copied_diner_cookie_stops_working_after_a_new_password(app, world, diner_client):
    from tests.diner.conftest import new_code, set_up
    person = world.person()
    client = diner_client(person)
    thief = _copy(app, client)
    assert set_up(app.test_client(), person.staff_no, new_code(world, person), "another-pass-77").status_code == 302
    assert not _in_diner_pages(thief) and not _in_diner_pages(client)


def test_a_copied_diner_cookie_stops_working_after_deactivation(app, world, diner_client):
    person = world.person()
    client = diner_client(person)
    thief = _copy(app, client)
    db.session.execute(update(Person).where(Person.id == person.id).values(state="cancelled"))
    db.session.commit()
    assert not _in_diner_pages(thief) and not _in_diner_pages(client)
