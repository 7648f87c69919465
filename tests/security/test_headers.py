"""Security headers on every answer, SameSite=Lax session cookies, no-store on personal pages and API answers."""
import pytest

from canteen.web_security import CONTENT_SECURITY_POLICY
from tests.admin.conftest import sign_in


@pytest.mark.parametrize("path", ["/", "/healthz", "/admin/login", "/me/login", "/api/v1/openapi.json",
                                  "/api/v1/meal-periods", "/nowhere"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_samesite_lax_and_httponly(client, world):
    response = sign_in(client, world.operator("manager").username)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_signed_in_pages_and_api_answers_are_not_stored(client, world):
    sign_in(client, world.operator("manager").username)
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"
    assert client.get("/me/login").headers["Cache-Control"] == "no-store"
    assert client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}).headers[
        "Cache-Control"] == "no-store"
    static = client.get("/me/static/diner.css")
    assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_the_server_does_not_name_its_software():
    import gunicorn.http.wsgi

    from canteen.cli.serve import _Gunicorn
    app = _Gunicorn.__new__(_Gunicorn)
    app.factory, app.stream_threads = (lambda: type("App", (), {"wsgi_app": None})()), 0
    app.load()
    assert gunicorn.http.wsgi.SERVER != "gunicorn"
