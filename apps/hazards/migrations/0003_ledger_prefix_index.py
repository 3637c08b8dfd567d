"""The department inspector's branch of `Hazard.visible_to` (region prefix and sector) and the ledger's order in one
PostgreSQL index (docs/benchmarks.md, item 2). `varchar_pattern_ops` lets `region_id LIKE '4110%'` use it; SQLite
has no operator classes and plans the prefix filter with its own indexes, so nothing is done there."""
from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS hazards_ledger_prefix_idx ON hazards_hazard "
          "(region_id varchar_pattern_ops, sector_id, found_on DESC, id DESC)")
DROP = "DROP INDEX IF EXISTS hazards_ledger_prefix_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_status_closed_on_index")]
    operations = [migrations.RunPython(create, drop)]
