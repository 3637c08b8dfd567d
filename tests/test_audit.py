"""The audit chain: every write recorded with who, when, from where, before and after; edits and deletions of
entries are caught by `verify_audit`, which names the first broken entry."""

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry, AuditHead
from apps.audit.services import verify_chain
from apps.core.context import acting_from
from apps.enterprises.services import enterprise_update


def make_changes(world, n):
    with acting_from(ip="10.1.2.3", source="web"):
        for i in range(n):
            enterprise_update(actor=world.office_a_user, enterprise=world.chem_a, data={"address": f"地址{i}"})


def test_a_write_records_who_when_where_before_and_after(world):
    make_changes(world, 1)
    entry = AuditEntry.objects.get()
    assert entry.username == "office_a" and entry.user == world.office_a_user
    assert entry.ip == "10.1.2.3" and entry.source == "web"
    assert entry.model == "enterprises.enterprise" and entry.object_id == str(world.chem_a.pk)
    assert entry.before["address"] == "" and entry.after["address"] == "地址0"
    assert entry.before["version"] == 1 and entry.after["version"] == 2
    assert entry.after["sectors"] == ["chemicals"]


def test_an_intact_chain_verifies(world):
    make_changes(world, 5)
    assert verify_chain() == []
    call_command("verify_audit")


def test_an_edited_entry_and_a_deleted_entry_are_both_caught(world):
    make_changes(world, 6)
    third = AuditEntry.objects.get(seq=3)
    AuditEntry.objects.filter(pk=third.pk).update(after={**third.after, "address": "被改过的地址"})
    AuditEntry.objects.filter(seq=5).delete()
    problems = verify_chain()
    assert [p.seq for p in problems][:2] == [3, 5]
    assert "篡改" in problems[0].message and "缺失" in problems[1].message
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("verify_audit")


def test_deleting_the_newest_entries_is_caught_by_the_checkpoint(world):
    make_changes(world, 4)
    AuditEntry.objects.filter(seq__gte=3).delete()
    problems = verify_chain()
    assert problems and "检查点" in problems[-1].message


def test_rewriting_a_whole_entry_with_a_fresh_hash_breaks_the_next_link(world):
    from apps.audit.services import _digest, entry_fields

    make_changes(world, 3)
    entry = AuditEntry.objects.get(seq=2)
    entry.after = {**entry.after, "address": "伪造"}
    entry.hash = _digest(entry_fields(entry))
    entry.save()
    assert [p.seq for p in verify_chain()] == [3]


def test_a_failed_write_leaves_no_entry(world):
    from apps.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        enterprise_update(actor=world.ent_user, enterprise=world.chem_a, data={"address": "x"})
    assert AuditEntry.objects.count() == 0
    assert AuditHead.objects.filter(count__gt=0).count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_refuses_to_run_outside_a_transaction():
    from apps.audit.services import record

    with pytest.raises(RuntimeError, match="transaction"):
        record(actor=None, action="update", model="enterprises.enterprise")
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_fork_the_chain():
    import threading

    from django.db import connection

    from tests.world import build_world

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads; PostgreSQL runs this in CI")
    w = build_world()
    targets = [w.chem_a, w.build_a, w.gas_a, w.town_shop]
    errors = []

    def write(enterprise):
        from django.db import connections

        try:
            for i in range(5):
                from apps.enterprises.models import Enterprise

                fresh = Enterprise.objects.get(pk=enterprise.pk)
                enterprise_update(actor=w.office_a_user, enterprise=fresh, data={"address": f"并发{i}"})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(e,)) for e in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == 20
    assert verify_chain() == []
