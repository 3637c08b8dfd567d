from django.db import migrations


def load(apps, schema_editor):
    from apps.regions.sector_maps import SEED_SECTORS

    Sector = apps.get_model("regions", "Sector")
    for order, (code, name, parent) in enumerate(SEED_SECTORS, start=1000):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "parent_id": parent, "order": order})


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_sector_tree")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
