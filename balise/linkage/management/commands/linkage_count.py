"""At the observatory: link the encodings of several contributors and count unique persons.

Prints counts only (records, match groups, unique persons), never similarity scores nor
pseudonyms. The observatory needs no secret: encodings are compared as they are."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from balise.linkage.pprl import count_unique_persons, match_groups, read_encodings


class Command(BaseCommand):
    help = "Count unique persons across the encoding files of several contributors."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--inputs", nargs="+", required=True, type=Path)
        parser.add_argument(
            "--mode",
            choices=["link", "dedupe"],
            default="link",
            help="link: at most one record per contributor in a group (contributors have "
            "removed their own duplicates); dedupe: also merge duplicates within a contributor.",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        sets = {}
        for k, path in enumerate(options["inputs"]):
            try:
                with open(path, "rb") as fh:
                    sets[f"{k}:{path.name}"] = read_encodings(fh)
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
            except ValueError as exc:
                raise CommandError(f"{path}: {exc}") from exc
        try:
            groups = match_groups(sets, one_per_source=options["mode"] == "link")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        records = sum(len(s) for s in sets.values())
        self.stdout.write(f"contributors: {len(sets)}")
        self.stdout.write(f"records: {records}")
        self.stdout.write(f"match groups: {len(groups)}")
        self.stdout.write(f"unique persons: {count_unique_persons(sets, groups)}")
