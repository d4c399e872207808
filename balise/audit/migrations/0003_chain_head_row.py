from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    # The chain's head exists from the start: appending an entry then only locks and moves it.
    head = apps.get_model("audit", "AuditChainHead")
    head.objects.get_or_create(id=1, defaults={"last_hash": GENESIS_HASH, "last_entry_id": 0})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
