"""The read replica (issue 9 part 4): reports read from `replica` inside `reading_from_replica()`, writes never do.

The first tests run everywhere: the router's rules, with and without a replica. The last one needs a replica:

    eval "$(scripts/start-replica.sh)"                        # a streaming standby of the local primary
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yinhuan .venv/bin/python -m pytest tests/test_replica.py
    scripts/stop-replica.sh

In a test run the `replica` alias mirrors the default test database (settings: TEST MIRROR), i.e. it opens the same
database *name* on the replica's server. On a real standby that is the primary's test database arriving through the
replication stream, so the test commits its rows (transaction=True) and waits for the replay. Run it alone: the
rest of the suite does not expect a second connection. scripts/replica-check.py makes the same proof outside pytest.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.core import replica
from apps.core.replica import REPLICA, read_alias, reading_from_replica, wait_for_replay
from apps.regions.models import Region
from config.routers import ReplicaRouter

HAS_REPLICA = REPLICA in settings.DATABASES


# Without a replica (the usual run) ---------------------------------------------------------------------------------
@pytest.mark.skipif(HAS_REPLICA, reason="a replica is configured")
@pytest.mark.django_db
def test_without_a_replica_the_block_changes_nothing():
    Region.objects.create(code="41", name="河南省", level=1)
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default:
        with reading_from_replica() as used:
            assert Region.objects.get(code="41").name == "河南省"
            assert read_alias("regions") is None
    assert used is False and len(on_default) == 1


def test_writes_and_migrations_always_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Region) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "regions") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "regions") is None
    a, b = Region(code="41"), Region(code="4110")
    a._state.db, b._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(a, b) is True


def test_inside_the_block_reads_go_to_the_replica_except_identity_and_queue(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_reachable", lambda: True)
    assert read_alias("hazards") is None
    with reading_from_replica() as used:
        assert used is True
        assert read_alias("hazards") == REPLICA
        assert ReplicaRouter().db_for_read(Region) == REPLICA
        for app in ("sessions", "authtoken", "axes", "django_tasks_db"):
            assert read_alias(app) is None
        with reading_from_replica():  # nested: still on, and still on after the inner block
            assert read_alias("reports") == REPLICA
        assert read_alias("reports") == REPLICA
    assert read_alias("hazards") is None


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(monkeypatch):
    """A read inside atomic may need the transaction's own writes, which no replica has yet."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_reachable", lambda: True)
    with transaction.atomic(), reading_from_replica():
        assert read_alias("hazards") is None


def test_an_unreachable_replica_falls_back_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_down_until", float("inf"))  # marked down a moment ago
    with reading_from_replica() as used:
        assert used is False and read_alias("reports") is None


@pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA] if HAS_REPLICA else [DEFAULT_DB_ALIAS])
def test_healthz_answers_ok_with_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content.decode().startswith("ok\n")
    assert ("replica ok" in response.content.decode()) is HAS_REPLICA
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# With a replica (DATABASE_REPLICA_URL) -----------------------------------------------------------------------------
@pytest.mark.skipif(not HAS_REPLICA, reason="needs DATABASE_REPLICA_URL (scripts/start-replica.sh)")
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="a streaming replica is PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_report_reads_go_to_the_replica_and_match_the_primary():
    from apps.reports.compute import compute, compute_many
    from tests.report_world import AS_OF, add_county, build_report_world

    def figures(w):
        return {
            "A": compute("xuchang-county", w.xuchang, AS_OF, region=w.a)["cells"],
            "B": compute("xuchang-county", w.xuchang, AS_OF, region=w.b)["cells"],
            "city": compute_many("xuchang-county", w.xuchang, AS_OF, list(Region.objects.filter(parent=w.city))),
            "C_EM": compute("xuchang-department", w.xuchang, AS_OF, department=w.c_em)["cells"],
        }

    def on_replica(w):
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default, \
                CaptureQueriesContext(connections[REPLICA]) as on_replica_:
            with reading_from_replica() as used:
                result = figures(w)
        assert used is True
        assert len(on_replica_) > 0 and all(q["sql"].lstrip().upper().startswith("SELECT")
                                            for q in on_replica_.captured_queries)
        assert len(on_default) == 0, [q["sql"] for q in on_default.captured_queries]
        return result

    try:
        w = build_report_world()  # committed on the primary
        wait_for_replay()
        primary = figures(w)
        assert primary["A"]["1.1"] == 3  # the world is what tests/test_report_cells.py says
        assert on_replica(w) == primary

        # new rows on the primary move the figures; after the replay the replica's move the same way
        add_county(w, "411081", "禹州市", 3)
        moved = figures(w)
        assert moved["city"] != primary["city"]
        wait_for_replay()
        assert on_replica(w) == moved

        # a write inside the block goes to the primary
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default, \
                CaptureQueriesContext(connections[REPLICA]) as on_replica_:
            with reading_from_replica():
                Region.objects.create(code="411082", name="长葛市", level=3, parent=w.city)
                Region.objects.filter(code="411082").update(name="长葛市（县级市）")
        assert any(q["sql"].startswith("INSERT") for q in on_default.captured_queries)
        assert any(q["sql"].startswith("UPDATE") for q in on_default.captured_queries)
        assert not any(q["sql"].split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
                       for q in on_replica_.captured_queries)
        assert Region.objects.using(DEFAULT_DB_ALIAS).get(code="411082").name == "长葛市（县级市）"
    finally:
        connections[REPLICA].close()  # the primary drops the test database at the end of the run
