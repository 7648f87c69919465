"""With English chosen, the pages reachable from the back office's menu carry no untranslated Chinese.

The walk starts at the home page, follows every menu link an administrator sees (and a person's page, the people
list's pages, an error page), and reads the visible text. Chinese that comes from the database (people's,
departments', categories', meal periods' and operators' names, subsidy titles, the canteen's name) is data, not
interface, and is allowed; so is the 中文 language switch.
"""
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from canteen.extensions import db
from canteen.models import Department, DinerCategory, MealPeriod, Operator, Person, SubsidyBatch, Terminal, utcnow
from canteen.models.offline import OfflineGap
from tests.admin.conftest import csrf_of

CJK = re.compile(r"[\u4e00-\u9fff\u3001\u3002\uff08\uff09\uff0c\uff1a\uff1b]+")  # ideographs and Chinese punctuation
#: Menu pages whose templates other work owns (the report pages, the work summary, the service center); their
#: English is checked by that work's own tests.
ELSEWHERE = ("/admin/reports/", "/admin/summary", "/admin/compound/")


class _Text(HTMLParser):
    """The text a person reads: element text and the attributes shown (title, placeholder, value of buttons)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text, one part per line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def menu_links(html: str) -> list[str]:
    """The menu's links, in order."""
    return re.findall(r'class="dropdown-item[^"]*" href="([^"]+)"', html)


def data_words(app) -> set[str]:
    """Chinese that comes from the database or the configuration."""
    words = {app.config["CANTEEN_NAME"], "中文"}
    for column in (Department.name, DinerCategory.name, MealPeriod.name, Person.name, Operator.name,
                   SubsidyBatch.title, Terminal.name):
        words.update(name for name in db.session.scalars(select(column)) if name)
    return words


def untranslated(text: str, allowed: set[str]) -> list[str]:
    """The Chinese runs in `text` that are not (part of) allowed data."""
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    return CJK.findall(text)


@pytest.fixture
def english_admin(signed_in, canteen):
    client = signed_in("admin")
    client.get("/admin/lang/en")
    return client


def troubled_terminals(canteen) -> None:
    """One terminal behind on the blacklist with an expired snapshot and a gap; one fresh but with a stale one."""
    now = utcnow()
    east, west = canteen.terminals
    east.blacklist_version, east.snapshot_dt, east.last_seen_dt = 0, now - timedelta(days=2), now
    east.outbox_pending, east.outbox_last_seq = 3, 9
    west.blacklist_version, west.snapshot_dt = 10 ** 6, now - timedelta(minutes=30)
    db.session.add(OfflineGap(terminal_id=east.id, first_seq=4, last_seq=5, found_dt=now))
    db.session.commit()


def test_every_menu_page_reads_in_english(app, english_admin, canteen):
    troubled_terminals(canteen)
    home = english_admin.get("/admin/").get_data(as_text=True)
    links = menu_links(home)
    assert len(links) >= 15, links
    person = canteen.people[0]
    pages = ["/admin/", *[link for link in links if not link.startswith(ELSEWHERE)], f"/admin/people/{person.id}",
             "/admin/people?page=1", "/admin/no-such-page"]
    db.session.commit()
    allowed = data_words(app)
    found = {}
    for path in pages:
        response = english_admin.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        left = untranslated(visible_text(response.get_data(as_text=True)), allowed)
        if left:
            found[path] = left
    assert found == {}, "\n".join(f"{path}: {words}" for path, words in found.items())


def test_the_expired_form_page_reads_in_english(app, english_admin):
    response = english_admin.post("/admin/departments", data={"code": "X", "name": "x", "csrf_token": "stale"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The page has expired" in page and "Go back" in page
    assert untranslated(visible_text(page), data_words(app)) == []


def test_chinese_stays_the_default_on_the_menu(signed_in, canteen):
    client = signed_in("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "日常" in page and "卡务" in page and "今日概况" in page and csrf_of(client)
