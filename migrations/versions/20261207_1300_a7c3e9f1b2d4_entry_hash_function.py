"""PostgreSQL: canteen_entry_hash and canteen_chain_hashes, the database's twin of canteen.ledger.chain.link_hash

Every PostgreSQL path that appends to the journal numbers the entry in the database and hashes it with this one
function; SQLite and `ledger verify` use its Python twin. The text hashed is made by Python
(canteen.ledger.chain.text_around_id): the function only puts the id between its two parts, so existing hashes
are unchanged.

Revision ID: a7c3e9f1b2d4
Revises: f3a9c2e8d4b6
Create Date: 2026-12-07 13:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'f3a9c2e8d4b6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION canteen_entry_hash(prev_hash text, before bytea, entry_id bigint, after bytea)
        RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT encode(sha256(convert_to(prev_hash, 'UTF8') || before
                                 || convert_to(entry_id::text, 'UTF8') || after), 'hex')
        $$""")
    op.execute("""
        CREATE FUNCTION canteen_chain_hashes(prev_hash text, first_id bigint, befores bytea[], afters bytea[])
        RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            hashes text[] := '{}';
        BEGIN
            FOR i IN 1 .. coalesce(array_length(befores, 1), 0) LOOP
                prev_hash := canteen_entry_hash(prev_hash, befores[i], first_id + i - 1, afters[i]);
                hashes := hashes || prev_hash;
            END LOOP;
            RETURN hashes;
        END $$""")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION canteen_chain_hashes(text, bigint, bytea[], bytea[])")
    op.execute("DROP FUNCTION canteen_entry_hash(text, bytea, bigint, bytea)")
