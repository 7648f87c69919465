"""The database settings for a standby: libpq's multi-host URL, and the reports' own database."""
from canteen import create_app
from canteen.config import normalise_database_url
from canteen.db_setup import reports_session
from canteen.extensions import db
from canteen.ops.pgurl import conninfo


def test_a_multi_host_url_becomes_sqlalchemys_form_and_reaches_libpq_as_host_and_port_lists():
    url = normalise_database_url("postgresql://canteen:s3cret@db1:5432,db2:5433/canteen"
                                 "?target_session_attrs=read-write&connect_timeout=3")
    assert url == ("postgresql+psycopg://canteen:s3cret@/canteen?host=db1:5432&host=db2:5433"
                   "&target_session_attrs=read-write&connect_timeout=3")
    info = dict(part.split("=", 1) for part in conninfo(url).split())
    assert info["host"] == "db1,db2" and info["port"] == "5432,5433"
    assert info["target_session_attrs"] == "read-write" and info["dbname"] == "canteen"


def test_single_host_and_sqlite_urls_are_left_as_they_were():
    assert normalise_database_url("postgresql://root@127.0.0.1:5432/x") == "postgresql+psycopg://root@127.0.0.1:5432/x"
    assert normalise_database_url("sqlite:////tmp/a,b.db") == "sqlite:////tmp/a,b.db"


def test_without_a_reports_database_reports_read_with_the_apps_own_session(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SECRET_KEY": "t"})
    with app.test_request_context():
        assert reports_session() is db.session
