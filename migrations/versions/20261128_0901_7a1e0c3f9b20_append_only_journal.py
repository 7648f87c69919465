"""append-only journal: UPDATE/DELETE refused by the database, balanced entries, chain head, system accounts

Revision ID: 7a1e0c3f9b20
Revises: 5cd2b9648731
Create Date: 2026-11-28 09:01:00

"""
from alembic import op
import sqlalchemy as sa

from canteen.ledger.chain import GENESIS

# revision identifiers, used by Alembic.
revision = '7a1e0c3f9b20'
down_revision = '5cd2b9648731'
branch_labels = None
depends_on = None

APPEND_ONLY = ("journal_entry", "posting")
SYSTEM_ACCOUNTS = (
    ("meal_revenue", "meal_revenue"), ("refunds", "refunds"), ("fee_revenue", "fee_revenue"),
    ("subsidy_fund", "subsidy_fund"), ("clearing", "clearing:wechat"), ("clearing", "clearing:alipay"),
    ("clearing", "clearing:bank"),
)


def _append_only_sqlite():
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END")


def _append_only_postgresql():
    op.execute("""
        CREATE FUNCTION canteen_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION canteen_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION canteen_append_only()")
    # Checked at commit, once per entry: its postings exist and sum to zero.
    op.execute("""
        CREATE FUNCTION canteen_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE total bigint; legs integer;
        BEGIN
            SELECT coalesce(sum(amount), 0), count(*) INTO total, legs FROM posting WHERE entry_id = NEW.id;
            IF total <> 0 OR legs < 2 THEN
                RAISE EXCEPTION 'journal entry % does not balance (sum %, % postings)', NEW.id, total, legs
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON journal_entry "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION canteen_entry_balanced()")


def _seed():
    op.execute(sa.text("INSERT INTO ledger_head (id, last_id, last_hash) VALUES (1, 0, :g)").bindparams(g=GENESIS))
    for kind, code in SYSTEM_ACCOUNTS:
        op.execute(sa.text("INSERT INTO account (kind, code, balance) VALUES (:k, :c, 0)").bindparams(k=kind, c=code))



def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _append_only_sqlite()
    else:
        _append_only_postgresql()
    _seed()


def downgrade():
    op.execute("DELETE FROM account WHERE kind <> 'drawer' AND person_id IS NULL")
    op.execute("DELETE FROM ledger_head")
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS journal_entry_balanced ON journal_entry")
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS canteen_append_only()")
    op.execute("DROP FUNCTION IF EXISTS canteen_entry_balanced()")
