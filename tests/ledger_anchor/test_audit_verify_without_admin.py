"""`canteen audit verify` is a core command: it works on a server with no back office loaded."""
import pytest
from sqlalchemy import text

from canteen import create_app
from canteen.extensions import db
from canteen.services.audit_trail import record_audit
from tests.ledger_anchor.attacks import as_superuser


@pytest.fixture
def api_only(database_url):
    """An API-only server: the admin and diner plugins are not loaded."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "REDIS_URL": "", "DISABLED_APPS": "admin,diner"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_audit_verify_proves_the_chain_with_no_admin_plugin_and_names_a_rewritten_row(api_only):
    assert "admin" not in api_only.blueprints
    for action in ("login", "card.report_loss"):
        record_audit(db.session, action=action, result="ok", username="alice")
    db.session.commit()
    runner = api_only.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert intact.stdout.strip() == "audit rows: 2; chain intact"
    as_superuser()
    db.session.execute(text("UPDATE audit_entry SET result = 'failed' WHERE id = 1"))
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert broken.stderr.strip() == "PROBLEM: audit row 1: hash chain broken (content or link altered)"
