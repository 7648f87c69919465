"""Hostile spreadsheets are refused before they are parsed, quickly and with little memory: a shared-strings
bomb, a row of millions of cells, a DTD (XXE), malformed XML; every upload goes through canteen.spreadsheets."""
import io
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from canteen.compound.sheets import read as read_compound_sheet
from canteen.compound.vehicles.reports import VEHICLE_SHEET
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Person
from canteen.spreadsheets import SpreadsheetRefused, read_rows
from tests.admin.conftest import csrf_of
from tests.security import hostile_xlsx

#: Werkzeug's test client leaves the temporary file of a multipart body over 500 KiB to the garbage collector
#: (a bare Flask app shows the same ResourceWarning), which pytest reports as an unraisable exception.
BIG_UPLOAD = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

#: A worker may grow by at most this much reading any 5 MiB upload (issue 14).
MEMORY_LIMIT_KIB = 200 * 1024


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The hostile files, built once: name -> (path, bytes)."""
    folder = tmp_path_factory.mktemp("hostile-xlsx")
    built = {
        "shared strings bomb": hostile_xlsx.shared_strings_bomb(400),
        "row of 3,000,000 cells": hostile_xlsx.wide_row(3_000_000),
        "row of 1,000,000 varied cells": hostile_xlsx.wide_row(1_000_000, varied=True),
        "XXE": hostile_xlsx.with_sheet_xml(hostile_xlsx.XXE),
        "malformed XML": hostile_xlsx.with_sheet_xml(hostile_xlsx.MALFORMED),
        "5 MiB at the limits": hostile_xlsx.near_the_limits(5),
    }
    out = {}
    for name, data in built.items():
        path = folder / (name.replace(" ", "_").replace(",", "") + ".xlsx")
        path.write_bytes(data)
        out[name] = (path, data)
    return out


REFUSED = ["shared strings bomb", "row of 3,000,000 cells", "row of 1,000,000 varied cells", "XXE", "malformed XML"]


def test_the_hostile_files_are_as_small_as_in_the_report(files):
    assert len(files["shared strings bomb"][1]) < 1.5 * 1024 * 1024
    assert len(files["row of 3,000,000 cells"][1]) < 100 * 1024
    assert 4.9 * 1024 * 1024 < len(files["5 MiB at the limits"][1]) <= 5 * 1024 * 1024


@pytest.mark.parametrize("name", REFUSED)
def test_the_guarded_reader_refuses_each_hostile_file(files, name):
    with pytest.raises(SpreadsheetRefused) as refused:
        read_rows(files[name][1], max_rows=5002)
    assert refused.value.code == "spreadsheet_refused" and refused.value.status == 400


def test_a_file_at_the_limits_is_read(files):
    assert read_rows(files["5 MiB at the limits"][1], max_rows=5002)[0][:2] == ("工号", "姓名")


@pytest.mark.parametrize("name", ["shared strings bomb", "row of 3,000,000 cells", "row of 1,000,000 varied cells",
                                  "5 MiB at the limits"])
def test_reading_a_hostile_file_grows_a_worker_by_less_than_200_mib(files, name):
    result = subprocess.run([sys.executable, "-m", "tests.security.measure_reader", str(files[name][0])],
                            capture_output=True, text=True, timeout=300, check=True)
    outcome, grown_kib = result.stdout.split()
    print(f"{name}: {outcome}, peak RSS grew {int(grown_kib) / 1024:.1f} MiB")
    assert int(grown_kib) < MEMORY_LIMIT_KIB
    assert outcome.startswith("read:" if name == "5 MiB at the limits" else "refused:")


@BIG_UPLOAD
@pytest.mark.parametrize("name", REFUSED)
def test_the_roster_import_refuses_each_hostile_file_and_writes_nothing(files, signed_in, name):
    client = signed_in("manager")
    before = db.session.scalar(select(func.count()).select_from(Person))
    response = client.post("/admin/people/import", content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(client, "/admin/people/import"),
                                 "file": (io.BytesIO(files[name][1]), "roster.xlsx")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "表格文件已拒绝" in page or "不是有效的 .xlsx 文件" in page
    assert db.session.scalar(select(func.count()).select_from(Person)) == before


@BIG_UPLOAD
@pytest.mark.parametrize("name", ["shared strings bomb", "XXE"])
def test_the_background_import_refuses_a_hostile_file_before_starting(files, signed_in, name):
    client = signed_in("manager")
    response = client.post("/admin/people/import/jobs", content_type="multipart/form-data",
                           data={"csrf_token": csrf_of(client, "/admin/people/import"),
                                 "file": (io.BytesIO(files[name][1]), "roster.xlsx")})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "spreadsheet_refused"


def test_a_compound_import_goes_through_the_same_reader(files):
    with pytest.raises(DomainError) as refused:
        read_compound_sheet(VEHICLE_SHEET, files["shared strings bomb"][1])
    assert refused.value.code == "import_invalid"
