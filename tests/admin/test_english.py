"""Flash messages and error texts of the back office read in English when English is chosen."""
import re
from pathlib import Path

from babel.messages.pofile import read_po

from canteen.errors import DomainError
from tests.admin.conftest import csrf_of

ADMIN = Path(__file__).resolve().parents[2] / "admin"
CATALOG = ADMIN / "translations" / "en" / "LC_MESSAGES" / "messages.po"
#: Literal Chinese texts a view shows the operator: flashed on success, the detail of a refusal, a roster problem.
SHOWN = re.compile(r'(?:done=|flash\(|DomainError\("invalid_input", |_problem\(|problems\.append\(\()'
                   r'"([^"{}]*[\u4e00-\u9fff][^"{}]*)"')


def _english(client):
    client.get("/admin/lang/en")
    return client


def _post(client, path, **form):
    response = client.post(path, data={"csrf_token": csrf_of(client, "/admin/login"), **form})
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_every_message_a_view_shows_has_an_english_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string}
    shown = {text for path in ADMIN.rglob("*.py") for text in SHOWN.findall(path.read_text(encoding="utf-8"))}
    assert len(shown) > 20
    assert sorted(shown - translated) == []


def test_flash_messages_and_refusals_read_in_english(world, signed_in):
    client = _english(signed_in("manager"))
    page = _post(client, "/admin/departments", code="IT", name="信息科")
    assert "Department saved" in page and "部门已保存" not in page
    page = _post(client, "/admin/departments", code="bad code!", name="")
    assert "The request is malformed (Invalid code (letters and digits) or name)" in page
    page = _post(client, "/admin/shifts/open", opening_float="12.345")
    assert DomainError("invalid_amount").message("en") in page and "金额无效" not in page
    page = _post(client, "/admin/shifts/open", opening_float="10")
    assert "Shift opened" in page and "Shift settlement" in page


def test_chinese_stays_the_default(world, signed_in):
    client = signed_in("manager")
    page = _post(client, "/admin/departments", code="IT", name="信息科")
    assert "部门已保存" in page

