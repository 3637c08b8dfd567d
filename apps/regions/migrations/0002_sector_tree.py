from django.db import migrations


def load(apps, schema_editor):
    from apps.regions.sector_tree import SECTORS

    Sector = apps.get_model("regions", "Sector")
    for order, (code, name, parent) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "parent_id": parent or None, "order": order})


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
