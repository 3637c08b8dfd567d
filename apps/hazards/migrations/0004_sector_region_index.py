"""The department inspector's branch of `Hazard.visible_to` — sector among the department's AND region in its
subtree — as one index led by the sector: one short range per sector. On PostgreSQL it replaces 0003's index led
by the region, which the planner passed over for a bitmap of every hazard of those sectors province-wide (644,000
entries at full size; the ledger page's query went from 108 ms to 5 ms, docs/benchmarks.md); `varchar_pattern_ops`
lets `region_id LIKE '4301%'` use it. SQLite reads `__under` as a range on region_id (apps/regions/lookups.py),
which the plain two-column index serves."""
from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS hazards_sector_region_idx ON hazards_hazard "
          "(sector_id, region_id varchar_pattern_ops)")
CREATE_SQLITE = "CREATE INDEX IF NOT EXISTS hazards_sector_region_idx ON hazards_hazard (sector_id, region_id)"
DROP = "DROP INDEX IF EXISTS hazards_sector_region_idx"
OLD = ("CREATE INDEX IF NOT EXISTS hazards_ledger_prefix_idx ON hazards_hazard "
       "(region_id varchar_pattern_ops, sector_id, found_on DESC, id DESC)")
DROP_OLD = "DROP INDEX IF EXISTS hazards_ledger_prefix_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_OLD)
        schema_editor.execute(CREATE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_SQLITE)


def backward(apps, schema_editor):
    schema_editor.execute(DROP)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_ledger_prefix_index")]
    operations = [migrations.RunPython(forward, backward)]
