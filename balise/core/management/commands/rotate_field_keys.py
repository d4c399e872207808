"""Re-encrypt every encrypted field with the primary key (the first of BALISE_FIELD_KEYS).

Rotation: put the new key first, keep the old one after it, run this command, then remove the old
key. Dry run by default; ``--apply`` writes."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core import crypto
from balise.core.fields import EncryptedMixin


def encrypted_columns():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields under the primary key (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="write the re-encrypted values")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, apply: bool, batch: int, **options):
        primary = crypto.keyring().primary_id
        quote = connection.ops.quote_name
        total = 0
        for model, fields in encrypted_columns():
            table = quote(model._meta.db_table)
            pk = model._meta.pk
            for field in fields:
                column = quote(field.column)
                aad = f"{model._meta.label}.{field.name}"
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(pk.column)}, {column} FROM {table} "  # noqa: S608
                        f"WHERE {column} IS NOT NULL"
                    )
                    rows = cursor.fetchall()
                stale = [(key, value) for key, value in rows if crypto.key_id_of(value) != primary]
                total += len(stale)
                self.stdout.write(f"{model._meta.label}.{field.name}: {len(stale)} to re-encrypt")
                if not apply:
                    continue
                for start in range(0, len(stale), batch):
                    with transaction.atomic(), connection.cursor() as cursor:
                        for key, value in stale[start : start + batch]:
                            fresh = crypto.encrypt(crypto.decrypt(value, aad=aad), aad=aad)
                            cursor.execute(
                                f"UPDATE {table} SET {column} = %s "  # noqa: S608
                                f"WHERE {quote(pk.column)} = %s",
                                [fresh, key],
                            )
        if apply:
            audit_record(
                action=AuditAction.KEY_ROTATION,
                object_type="keys",
                details={"primary": primary, "values": total},
            )
            self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under {primary}."))
        else:
            self.stdout.write(f"Dry run: {total} values would be re-encrypted. Use --apply.")
