"""In Chinese (the default), the pages reachable from the menu show no stored code where a word belongs: no card
status ``active``, card event ``issued``, role ``admin``, audit action ``login``, entry kind ``top_up``, payment
method ``wechat``. Every code :mod:`canteen.labels` has a word for is looked for as a word of its own in the visible
text; usernames, staff numbers, terminal and department codes are data and are allowed."""
import re

from sqlalchemy import select

from canteen.extensions import db
from canteen.labels import LABELS
from canteen.models import Department, Operator, Person, Terminal
from canteen.reports.base import KIND_LABELS, METHOD_LABELS
from tests.admin.test_english_menu_pages import menu_links, troubled_terminals, visible_text

#: Codes that are also ordinary English in data we allow (none today); kept explicit so a new one is a choice.
ALSO_DATA: set[str] = set()


def stored_codes() -> set[str]:
    codes = {code for words in LABELS.values() for code in words} | set(KIND_LABELS) | set(METHOD_LABELS)
    return {code for code in codes if isinstance(code, str) and re.fullmatch(r"[a-z_]{3,}", code)} - ALSO_DATA


def data_codes() -> set[str]:
    words = set()
    for column in (Operator.username, Operator.name, Person.staff_no, Person.name, Terminal.code, Department.code):
        words.update(str(value) for value in db.session.scalars(select(column)) if value)
    return words


def test_every_menu_page_in_chinese_shows_words_not_codes(app, signed_in, canteen):
    troubled_terminals(canteen)
    client = signed_in("admin")
    home = client.get("/admin/").get_data(as_text=True)
    links = menu_links(home)
    assert len(links) >= 15, links
    person = canteen.people[0]
    pages = ["/admin/", *links, f"/admin/people/{person.id}", "/admin/people?page=1", "/admin/audit",
             "/admin/reports/cards", "/admin/reports/consumption_detail", "/admin/reports/topup_detail"]
    hub = client.get("/admin/compound/").get_data(as_text=True)
    pages += sorted({link for link in re.findall(r'href="(/admin/compound/[^"?#]+)"', hub)
                     if not link.endswith((".xlsx", ".docx", ".txt", "/new", "/import"))})
    codes, allowed = stored_codes(), data_codes()
    db.session.commit()
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        text = visible_text(response.get_data(as_text=True))
        for word in sorted(allowed, key=len, reverse=True):
            text = text.replace(word, " ")
        shown = sorted({w for w in re.findall(r"(?<![A-Za-z0-9_./-])[a-z_]{3,}(?![A-Za-z0-9_/-])", text) if w in codes})
        if shown:
            found[path] = shown
    assert found == {}, "\n".join(f"{path}: {words}" for path, words in found.items())
