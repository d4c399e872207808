"""Evidence files stored before they were sealed are sealed in place (same name, same record)."""

from django.core.files.base import ContentFile
from django.db import migrations


def seal_existing(apps, schema_editor):
    from balise.core import crypto
    from balise.core.files import seal, unseal

    Evidence = apps.get_model("plans", "Evidence")
    for evidence in Evidence.objects.all().iterator():
        aad = f"plans.Evidence:{evidence.pk}"
        storage = evidence.file.storage
        name = evidence.file.name
        if not name or not storage.exists(name):
            continue
        with storage.open(name, "rb") as handle:
            raw = handle.read()
        try:
            unseal(raw, aad=aad)
            continue  # already sealed
        except crypto.DecryptionError:
            pass
        storage.delete(name)
        stored = storage.save(name, ContentFile(seal(raw, aad=aad)))
        if stored != name:
            evidence.file.name = stored
            evidence.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
