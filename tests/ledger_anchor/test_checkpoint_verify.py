"""Signed checkpoints anchor the hash chain: a superuser's rewrite passes `ledger verify` but not
`ledger verify --checkpoints FILE`."""
import json
import stat

from sqlalchemy import select

from canteen.extensions import db
from canteen.models.checkpoints import LedgerCheckpoint
from canteen.services.meals import charge_meal
from tests.ledger_anchor.attacks import edit_and_rehash, head_id, truncate_tail


def invoke(app, *args):
    """Run a command as a shell would, after ending the test's own transaction."""
    db.session.rollback()
    return app.test_cli_runner().invoke(args=list(args))


def some_meals(world, meals: int = 3):
    """A diner with a card, a top-up and `meals` meals; returns the meal entries' ids."""
    unlimited = world.unlimited_category()
    world.all_day_meal(price=800)
    person, card = world.diner(cash=3000, deposit=2000, category=unlimited)
    world.top_up(person, 5000)
    terminal, _ = world.terminal()
    ids = []
    for _ in range(meals):
        ids.append(charge_meal(world.session, world.actor(terminal=terminal), world.rules, uid=card.uid).entry.id)
        world.session.commit()
    return ids


def checkpoint_to(app, path):
    result = invoke(app, "ledger", "checkpoint", "--export", str(path))
    assert result.exit_code == 0, result.output
    return result


def test_keygen_writes_a_private_key_only_its_owner_reads_and_prints_the_public_key(app, tmp_path):
    path = tmp_path / "k.pem"
    result = invoke(app, "ledger", "keygen", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    public = result.stdout.split("public key: ")[1].strip()
    assert len(public) == 64 and int(public, 16) >= 0
    again = invoke(app, "ledger", "keygen", str(path))
    assert again.exit_code == 2 and "refusing to overwrite" in again.stderr


def test_a_checkpoint_is_kept_in_the_database_and_appended_to_the_export_file(app, world, signing_key, tmp_path):
    some_meals(world)
    export = tmp_path / "anchors.jsonl"
    result = checkpoint_to(app, export)
    assert "entry 5 " in result.stdout and "1 checkpoint(s) appended" in result.stdout
    some_meals(world, meals=2)  # the next checkpoint adds these to the first one's totals
    checkpoint_to(app, export)
    records = [json.loads(line) for line in export.read_text().splitlines()]
    assert [r["id"] for r in records] == [1, 2]  # appended, never rewritten
    row = db.session.get(LedgerCheckpoint, 1)
    assert (row.entry_id, row.entries, row.amount_sum, row.public_key) == (5, 5, 5000 + 5000 + 3 * 800,
                                                                          signing_key[1])
    assert json.loads(row.balances)["cash"] == 3000 + 5000 - 3 * 800
    later = db.session.get(LedgerCheckpoint, 2)
    assert (later.entry_id, later.entries, later.amount_sum) == (9, 9, 2 * (5000 + 5000) + 5 * 800)
    result = invoke(app, "ledger", "verify", "--checkpoints", str(export))
    assert result.exit_code == 0, result.output
    assert "the chain reaches every signed checkpoint" in result.stdout


def test_deleting_the_last_entries_and_rewinding_the_head_passes_plain_verify_but_not_the_checkpoints(
        app, world, signing_key, tmp_path):
    meals = some_meals(world)
    export = tmp_path / "anchors.jsonl"
    checkpoint_to(app, export)
    truncate_tail(keep=meals[0])
    assert head_id() == meals[0]
    plain = invoke(app, "ledger", "verify")
    assert plain.exit_code == 0, plain.output
    anchored = invoke(app, "ledger", "verify", "--checkpoints", str(export))
    assert anchored.exit_code == 1
    assert anchored.stderr.strip() == (f"FAIL: checkpoint 1: signed entry {meals[-1]} but the journal ends at "
                                       f"{meals[0]} (entries deleted)")


def test_editing_a_meal_and_rehashing_the_chain_passes_plain_verify_but_not_the_checkpoints(
        app, world, signing_key, tmp_path):
    meals = some_meals(world)
    export = tmp_path / "anchors.jsonl"
    checkpoint_to(app, export)
    edit_and_rehash(meals[1], new_amount=100)
    plain = invoke(app, "ledger", "verify")
    assert plain.exit_code == 0, plain.output
    anchored = invoke(app, "ledger", "verify", "--checkpoints", str(export))
    assert anchored.exit_code == 1
    assert anchored.stderr.strip() == (f"FAIL: checkpoint 1: entry {meals[-1]} no longer has the signed hash "
                                       f"(the chain was rewritten)")


def test_rehashing_from_the_first_meal_is_caught_by_a_checkpoint_signed_after_the_last(
        app, world, signing_key, tmp_path):
    meals = some_meals(world)
    export = tmp_path / "anchors.jsonl"
    truncate_target = meals[0]
    checkpoint_to(app, export)  # signs the head after the last meal
    edit_and_rehash(truncate_target, new_amount=100)
    assert invoke(app, "ledger", "verify", "--checkpoints", str(export)).exit_code == 1


def test_an_altered_or_foreign_checkpoint_record_is_refused(app, world, signing_key, tmp_path):
    some_meals(world, meals=1)
    export = tmp_path / "anchors.jsonl"
    checkpoint_to(app, export)
    record = json.loads(export.read_text())
    forged = dict(record, amount_sum=record["amount_sum"] - 800)
    (tmp_path / "forged.jsonl").write_text(json.dumps(forged) + "\n")
    result = invoke(app, "ledger", "verify", "--checkpoints", str(tmp_path / "forged.jsonl"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "FAIL: checkpoint 1: signature does not verify (the record was altered)"
    other = invoke(app, "ledger", "verify", "--checkpoints", str(export), "--public-key", "ab" * 32)
    assert other.exit_code == 1 and "signed by another key" in other.stderr


def test_verify_against_an_empty_or_unreadable_file_fails_in_one_line(app, world, signing_key, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    empty = invoke(app, "ledger", "verify", "--checkpoints", str(tmp_path / "empty.jsonl"))
    assert empty.exit_code == 1 and empty.stderr.strip() == "FAIL: no signed checkpoint to check against"
    missing = invoke(app, "ledger", "verify", "--checkpoints", str(tmp_path / "nothing.jsonl"))
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "junk.jsonl").write_text("{not json\n")
    junk = invoke(app, "ledger", "verify", "--checkpoints", str(tmp_path / "junk.jsonl"))
    assert junk.exit_code == 1 and "line 1 is not a checkpoint" in junk.stderr
    export = invoke(app, "ledger", "checkpoint", "--no-new", "--export", str(tmp_path / "junk.jsonl"))
    assert export.exit_code == 1 and len(export.stderr.strip().splitlines()) == 1
    assert (tmp_path / "junk.jsonl").read_text() == "{not json\n"  # nothing appended to a file it cannot read


def test_checkpoint_without_a_configured_key_or_with_a_readable_key_is_refused(app, tmp_path, signing_key):
    path, _ = signing_key
    path.chmod(0o644)
    loose = invoke(app, "ledger", "checkpoint")
    assert loose.exit_code == 2 and "may be read by others" in loose.stderr
    app.config["CHECKPOINT_KEY"] = ""
    none = invoke(app, "ledger", "checkpoint")
    assert none.exit_code == 2 and "CANTEEN_CHECKPOINT_KEY" in none.stderr
    assert db.session.scalar(select(LedgerCheckpoint.id)) is None
