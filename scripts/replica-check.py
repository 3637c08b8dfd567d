#!/usr/bin/env python3
"""Proves on a real primary + streaming-replica pair that report reads go to the replica and give the primary's
figures, and that writes never go there (issue 9 part 4; docs/deploy.md "Read replicas").

    eval "$(scripts/start-replica.sh yinhuan_replica_check)"      # a standby of the local primary, port 5433…
    .venv/bin/python scripts/replica-check.py     # DATABASE_URL defaults to …:5432/yinhuan_replica_check
    scripts/stop-replica.sh

It works on its own database on the primary (created when missing, migrated, the 许昌 demo world loaded once),
never on a test database: pytest's test database lives only inside a test run, while this check needs the rows to
travel through the replication stream to another server. Each run:

1. waits until the replica has replayed the primary's WAL, computes the 许昌 附件3 for every county, the city's
   overview of all counties and the 附件4 of the city's emergency bureau on the primary, then again inside
   `reading_from_replica()`, capturing the queries of both connections: every read on the replica, none on the
   primary, the same figures;
2. reports new major hazards on the primary through the services, checks that the primary's figures moved, waits
   for the replay and checks that the replica's figures moved the same way;
3. writes inside `reading_from_replica()`: the INSERTs go to the primary, none to the replica (a standby would
   refuse them anyway, which the check also shows).

Exit status 0 when every check holds.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yinhuan_replica_check")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not os.environ.get("DATABASE_REPLICA_URL"):
    sys.exit("replica-check: set DATABASE_REPLICA_URL (eval \"$(scripts/start-replica.sh yinhuan_replica_check)\")")


def ensure_database(url: str) -> None:
    """CREATE DATABASE on the primary when missing (the standby receives it through the WAL stream)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {"host": cfg["HOST"] or "127.0.0.1", "port": cfg["PORT"] or 5432, "user": cfg["USER"] or "postgres",
                "password": cfg["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created database {cfg['NAME']} on the primary")


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.core.context import acting_from  # noqa: E402
from apps.core.replica import REPLICA, reading_from_replica, wait_for_replay  # noqa: E402

failures: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("  ok    " if condition else "  FAIL  ") + what)
    if not condition:
        failures.append(what)


def server(alias: str) -> tuple[int, bool]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT inet_server_port(), pg_is_in_recovery()")
        return cursor.fetchone()


def figures(campaign, counties, city_department, as_of):
    from apps.reports.compute import compute, compute_many

    out = {f"xuchang-county {c.code}": compute("xuchang-county", campaign, as_of, region=c)["cells"] for c in counties}
    out["xuchang-county overview"] = compute_many("xuchang-county", campaign, as_of, counties)
    out[f"xuchang-department {city_department.pk}"] = compute("xuchang-department", campaign, as_of,
                                                              department=city_department)["cells"]
    return out


def capture(alias):
    """Queries on one connection from here on. The log is emptied first: it keeps only the last 9,000 queries, and
    loading the demo world runs more, after which a capture's slice of the log would come back empty."""
    connections[alias].queries_log.clear()
    return CaptureQueriesContext(connections[alias])


def statements(captured) -> list[str]:
    return [q["sql"].lstrip().split(None, 1)[0].upper() for q in captured.captured_queries]


def read_on_replica(campaign, counties, city_department, as_of):
    with capture(DEFAULT_DB_ALIAS) as on_primary, \
            capture(REPLICA) as on_replica:
        with reading_from_replica() as used:
            result = figures(campaign, counties, city_department, as_of)
    return used, result, statements(on_primary), statements(on_replica)


def report_hazards(admin, counties, today, label):
    from apps.enterprises.models import Enterprise
    from apps.hazards import services as hz

    made = []
    with acting_from(source="command"):
        for county in counties[:3]:
            enterprise = (Enterprise.objects
                          .filter(region__code__startswith=county.code, department_links__isnull=False)
                          .order_by("pk").first())
            if enterprise is None:
                continue
            department = enterprise.department_links.order_by("pk").first().department
            made.append(hz.hazard_report(actor=admin, data={
                "enterprise": enterprise, "title": f"副本校验隐患 {label}", "level": "major", "source": "department",
                "department": department, "found_by_department": department, "found_on": today,
                "location": "生产车间", "description": "scripts/replica-check.py 写入，用于核对只读副本。",
            }))
    return made


def main() -> int:
    from apps.accounts.models import User
    from apps.campaigns.models import Campaign
    from apps.demo.world import CITY, demo_exists, load_demo
    from apps.hazards.models import Hazard, today
    from apps.regions.models import Department, Region

    primary_port, primary_standby = server(DEFAULT_DB_ALIAS)
    replica_port, replica_standby = server(REPLICA)
    print(f"primary: port {primary_port}, in recovery: {primary_standby}; "
          f"replica: port {replica_port}, in recovery: {replica_standby}")
    check(not primary_standby, "DATABASE_URL is a primary")
    check(replica_standby and replica_port != primary_port,
          "DATABASE_REPLICA_URL is a streaming standby on another server")

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not demo_exists():
        with acting_from(source="command"):
            load_demo()
        print(f"migrated and loaded the 许昌 demo world in {time.monotonic() - started:.1f} s")
    print(f"waited {wait_for_replay():.2f} s for the replica to replay the primary's WAL")

    campaign = Campaign.objects.get(slug="xuchang-demo")
    city = Region.objects.get(code=CITY)
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    city_department = Department.objects.filter(region=city, kind="emergency").order_by("pk").first() \
        or Department.objects.filter(region=city).order_by("pk").first()
    admin = User.objects.get(username="admin")
    as_of = today()

    print(f"\n1. the same figures, read from the replica ({len(counties)} counties + overview + "
          f"{city_department.name}, as of {as_of})")
    on_primary = figures(campaign, counties, city_department, as_of)
    used, on_replica, primary_sql, replica_sql = read_on_replica(campaign, counties, city_department, as_of)
    check(used, "reading_from_replica() routes to the replica")
    check(len(replica_sql) > 0 and set(replica_sql) == {"SELECT"},
          f"{len(replica_sql)} queries on the replica connection, all SELECT")
    check(primary_sql == [], f"{len(primary_sql)} queries on the primary connection while computing")
    check(on_replica == on_primary, "every cell equals the primary's")
    total = sum(v for cells in on_primary.values() if isinstance(cells, dict) for v in cells.values()
                if isinstance(v, int))
    print(f"        ({sum(len(c) for c in on_primary.values())} cells, integer cells summing to {total})")

    print("\n2. new records on the primary reach the replica's figures")
    before = on_primary
    label = time.strftime("%H%M%S")
    made = report_hazards(admin, counties, as_of, label)
    check(len(made) > 0, f"{len(made)} major hazards reported on the primary")
    after = figures(campaign, counties, city_department, as_of)
    check(after != before, "the primary's figures moved")
    waited = wait_for_replay()
    print(f"        replica caught up in {waited:.3f} s")
    used, on_replica, primary_sql, replica_sql = read_on_replica(campaign, counties, city_department, as_of)
    check(used and primary_sql == [] and len(replica_sql) > 0, "read again on the replica only")
    check(on_replica == after, "the replica's figures equal the primary's new figures")
    with reading_from_replica():
        seen = set(Hazard.objects.filter(pk__in=[h.pk for h in made]).values_list("pk", flat=True))
    check(seen == {h.pk for h in made}, "the new hazards are on the replica")

    print("\n3. writes inside reading_from_replica() go to the primary")
    with capture(DEFAULT_DB_ALIAS) as w_primary, \
            capture(REPLICA) as w_replica:
        with reading_from_replica():
            written = report_hazards(admin, counties[:1], as_of, label + "w")
            Hazard.objects.filter(pk=written[0].pk).update(location="仓库")
    primary_kinds, replica_kinds = statements(w_primary), statements(w_replica)
    check("INSERT" in primary_kinds and "UPDATE" in primary_kinds,
          f"INSERT and UPDATE on the primary ({len(primary_kinds)} statements)")
    check(not {"INSERT", "UPDATE", "DELETE"} & set(replica_kinds),
          f"no write on the replica ({len(replica_kinds)} statements there, {sorted(set(replica_kinds)) or 'none'})")
    check(Hazard.objects.get(pk=written[0].pk).location == "仓库", "the write is on the primary at once")
    try:
        with transaction.atomic(using=REPLICA), connections[REPLICA].cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE replica_check_write (id int)")
        refused = False
    except DatabaseError as exc:
        refused = "read-only" in str(exc)
    check(refused, "the standby itself refuses a write (read-only transaction)")

    print(f"\n{'all checks passed' if not failures else f'{len(failures)} check(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
