"""Point-in-time recovery with pgBackRest: a full backup under taps, taps go on, the disk is lost, and the cluster
is restored from the backup and the archived WAL to a chosen moment: every tap answered before that moment is
there, no tap sent after it is, and the ledger verifies."""
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from bench.canteen_server import make_app, seed
from canteen.models import JournalEntry
from canteen.ops import archive, cluster
from canteen.ops.drill import run_command
from tests.offline.faults import ServerProcess
from tests.ops.conftest import free_port
from tests.ops.tapping import Tapper, Terminal
from tests.services import missing_service


def wait_for(condition, timeout=90.0, what=lambda: ""):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what()}"
        time.sleep(0.05)


def entry_ids(url: str) -> list[int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(JournalEntry.id).order_by(JournalEntry.id)))
    finally:
        engine.dispose()


@pytest.fixture
def archived_primary():
    """A primary that archives its WAL into a pgBackRest repository, both in a temporary folder."""
    if shutil.which("pgbackrest") is None:
        missing_service("pgbackrest", "not installed (Debian: apt-get install pgbackrest)")
    try:
        cluster.pg_tool("initdb")
    except cluster.ClusterError as exc:
        missing_service("PostgreSQL server tools", str(exc))
    folder = Path(tempfile.mkdtemp(prefix="canteen-pitr-"))
    folder.chmod(0o755)
    port = free_port()
    stanza = archive.write_config(folder / "pgbackrest", data=folder / "primary", port=port, socket_dir=folder)
    primary = cluster.init_primary(folder, port, stanza.postgresql_settings())
    try:
        yield primary, stanza, folder
    finally:
        cluster.discard(primary)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_restore_to_a_moment_holds_every_tap_answered_before_it_and_none_sent_after(archived_primary):
    primary, stanza, folder = archived_primary
    primary.sql("CREATE DATABASE canteen")
    url = primary.url("canteen")
    uids, creds = seed(make_app(url), diners=12, terminals=3)
    stanza.create()

    server = ServerProcess(url, folder, workers=2).start()
    tappers = [Tapper(server.url, Terminal(c.code, c.key), uids[i::3], pause=0.01) for i, c in enumerate(creds)]
    for tapper in tappers:
        tapper.start()
    try:
        acks = lambda: [a for t in tappers for a in t.acks]  # noqa: E731
        wait_for(lambda: len(acks()) >= 20)
        stanza.backup("full")  # while the terminals tap
        backed_up = len(acks())
        # pgBackRest keeps a backup's stop time in whole seconds and restores to a time only from a backup that
        # stopped before it.
        time.sleep(1.5)
        wait_for(lambda: len(acks()) >= backed_up + 40)
        target = time.time()  # the moment to recover to: taps are in flight on both sides of it
        wait_for(lambda: sum(a.sent_wall > target for a in acks()) >= 30)
    finally:
        for tapper in tappers:
            tapper.stop()
        server.stop()
    assert not any(t.refusals for t in tappers), [t.refusals[:2] for t in tappers]
    stanza.flush_archive()  # the WAL up to the last tap is in the repository: the disk may now be lost
    source = entry_ids(url)
    primary.stop("immediate")
    shutil.rmtree(primary.data)

    restored_cluster = cluster.Cluster(folder / "restored", free_port())
    started = time.monotonic()
    stanza.restore_to(restored_cluster.data, datetime.fromtimestamp(target, timezone.utc))
    restored_cluster.start()
    try:
        wait_for(lambda: not restored_cluster.in_recovery(), 120)  # recovery reached the target and promoted
        recovery_seconds = time.monotonic() - started
        restored_url = restored_cluster.url("canteen")
        restored = entry_ids(restored_url)
        answered = [a for t in tappers for a in t.acks]
        # The chain up to some entry, nothing missing in between; the source went on past it.
        assert restored == list(range(1, len(restored) + 1))
        assert len(source) > len(restored)
        kept = set(restored)
        before = [a for a in answered if a.answered_wall < target]
        after = [a for a in answered if a.sent_wall > target]
        assert len(before) >= 60 and len(after) >= 30
        assert [a.entry_id for a in before if a.entry_id not in kept] == []
        assert [a.entry_id for a in after if a.entry_id in kept] == []
        for command in (("ledger", "verify"), ("audit", "verify")):
            proof = run_command(restored_url, *command)
            assert proof.returncode == 0, proof.stdout + proof.stderr
        # The restored cluster is a primary again: a tap books the next entry, chained on from where recovery
        # stopped, and the ledger still verifies.
        server = ServerProcess(restored_url, folder, workers=1).start()
        try:
            tapper = Tapper(server.url, Terminal(creds[0].code, creds[0].key), uids[:1])
            assert tapper.tap_once(uids[0]).entry_id == len(restored) + 1, tapper.refusals
        finally:
            server.stop()
        proof = run_command(restored_url, "ledger", "verify")
        assert proof.returncode == 0, proof.stdout + proof.stderr
        print(f"point-in-time recovery: {len(before)} taps answered before the target kept, {len(after)} sent "
              f"after it absent, restore and replay {recovery_seconds:.1f} s")
    finally:
        cluster.discard(restored_cluster)
