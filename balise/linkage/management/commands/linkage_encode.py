"""Encode this organisation's persons locally into hardened Bloom-filter encodings.

Only pseudonymous ids (keyed with the shared secret), a byte saying which fields were
present and 64-byte encodings are written (format BCLK version 2, see
docs/linkage-encoding.md). The secret is read from a file given on the
command line and never stored anywhere by Balise."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from balise.linkage import services
from balise.linkage.pprl import encode_records, key_fingerprint, write_encodings


class Command(BaseCommand):
    help = "Encode the persons of this installation for privacy-preserving linkage."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--secret-file", required=True, type=Path)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument(
            "--organisation",
            help="Only persons referred by this organisation (id); default: every person.",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            secret = options["secret_file"].read_bytes().strip()
        except OSError as exc:
            raise CommandError(f"cannot read the secret file: {exc.strerror}") from exc
        if len(secret) < 16:
            raise CommandError("the shared secret must be at least 16 bytes long")
        persons = services.register_persons()
        if options["organisation"]:
            persons = persons.filter(referrals__organisation_id=options["organisation"]).distinct()
        records = encode_records(secret, services.iter_export_rows(persons.iterator()))
        with open(options["out"], "wb") as fh:
            write_encodings(fh, records, key_fingerprint(secret))
        self.stdout.write(f"{len(records)} persons encoded to {options['out']}")
