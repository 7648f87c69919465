"""Self-service sign-in: the one-time code expires and works once, guesses are refused, lockout, audit."""
from datetime import timedelta

from sqlalchemy import select

from admin.audit import verify_audit
from canteen.extensions import db
from canteen.models import AuditEntry, utcnow
from canteen.models.diner_accounts import DinerAccount, DinerSetupCode
from tests.diner.conftest import PASSWORD, csrf_of, new_code, set_up, sign_in


def _account(person):
    db.session.expire_all()
    return db.session.get(DinerAccount, person.id)


def test_a_diner_sets_a_password_with_the_code_and_signs_in(app, world):
    person, _ = world.diner(cash=1000)
    client = app.test_client()
    response = set_up(client, person.staff_no, new_code(world, person).lower())  # any case, with the dash
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/")
    assert person.name in client.get("/me/").get_data(as_text=True)
    client.post("/me/logout", data={"csrf_token": csrf_of(client, "/me/")})
    assert client.get("/me/").status_code == 302
    assert sign_in(client, person.staff_no).status_code == 302
    actions = [(a.action, a.result, a.username) for a in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    who = f"diner:{person.staff_no}"
    assert actions == [("diner.setup", "ok", who), ("diner.login", "ok", who)]
    assert verify_audit(db.session).ok


def test_a_code_works_once(app, world):
    person, _ = world.diner()
    code = new_code(world, person)
    assert set_up(app.test_client(), person.staff_no, code).status_code == 302
    again = set_up(app.test_client(), person.staff_no, code, password="another-pass-7")
    assert again.status_code == 401 and "验证码" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), person.staff_no, "another-pass-7").status_code == 401
    assert sign_in(app.test_client(), person.staff_no, PASSWORD).status_code == 302


def test_an_expired_code_is_refused_and_changes_nothing(app, world):
    person, _ = world.diner()
    code = new_code(world, person, now=utcnow() - timedelta(hours=25), hours=24)
    response = set_up(app.test_client(), person.staff_no, code)
    assert response.status_code == 401
    assert _account(person).password_hash is None
    assert db.session.scalar(select(DinerSetupCode.used_dt)) is None


def test_a_newer_code_replaces_the_older_one(app, world):
    person, _ = world.diner()
    old = new_code(world, person)
    new = new_code(world, person)
    assert set_up(app.test_client(), person.staff_no, old).status_code == 401
    assert set_up(app.test_client(), person.staff_no, new).status_code == 302


def test_guessed_codes_lock_the_account_and_the_right_code_waits(app, world):
    person, _ = world.diner()
    code = new_code(world, person)
    client = app.test_client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC", "DDDDD-DDDDD"):
        assert set_up(client, person.staff_no, guess).status_code == 401
    locked = set_up(client, person.staff_no, "EEEEE-EEEEE")
    assert locked.status_code == 401 and "账户已锁定" in locked.get_data(as_text=True)
    still = set_up(client, person.staff_no, code)
    assert still.status_code == 401 and "账户已锁定" in still.get_data(as_text=True)
    assert _account(person).password_hash is None
    results = [a.result for a in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "diner.setup"))]
    assert results == ["failed"] * 4 + ["locked", "locked"]
    account = _account(person)
    account.locked_until_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert set_up(client, person.staff_no, code).status_code == 302  # the code itself was never spent


def test_five_wrong_passwords_lock_sign_in_for_15_minutes(app, world, diner_client):
    person, _ = world.diner()
    diner_client(person)
    client = app.test_client()
    for _ in range(4):
        assert sign_in(client, person.staff_no, "wrong-pass-1").status_code == 401
    assert sign_in(client, person.staff_no).status_code == 302  # a success resets the count
    other = app.test_client()
    for _ in range(5):
        assert sign_in(other, person.staff_no, "wrong-pass-1").status_code == 401
    refused = sign_in(other, person.staff_no)
    assert refused.status_code == 401 and "账户已锁定" in refused.get_data(as_text=True)
    remaining = _account(person).locked_until_dt - utcnow()
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)


def test_a_weak_password_or_a_mismatch_keeps_the_code(app, world):
    person, _ = world.diner()
    code = new_code(world, person)
    client = app.test_client()
    assert set_up(client, person.staff_no, code, password="short1").status_code == 400
    assert set_up(client, person.staff_no, code, password=PASSWORD, password2="different-9").status_code == 400
    assert set_up(client, person.staff_no, code).status_code == 302


def test_forms_without_the_csrf_token_are_refused(app, world):
    person, _ = world.diner()
    code = new_code(world, person)
    client = app.test_client()
    response = client.post("/me/setup", data={"staff_no": person.staff_no, "code": code, "password": PASSWORD,
                                              "password2": PASSWORD})
    assert response.status_code == 400
    assert _account(person).password_hash is None


def test_the_cli_prints_a_code_that_works(app, world):
    person, _ = world.diner()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["diner", "code", person.staff_no, "--hours", "2"])
    assert result.exit_code == 0, result.output
    code = result.output.split(": ")[1].split(" ")[0]
    assert set_up(app.test_client(), person.staff_no, code).status_code == 302
    unknown = app.test_cli_runner().invoke(args=["diner", "code", "NOPE"])
    assert unknown.exit_code != 0 and "no person" in unknown.output


def test_the_english_page(app, world):
    client = app.test_client()
    client.get("/me/lang/en")
    page = client.get("/me/login").get_data(as_text=True)
    assert "Staff number" in page and "工号" not in page
