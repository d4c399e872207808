from django.core.management.base import BaseCommand

from balise.orientation.retention import purge


class Command(BaseCommand):
    help = (
        "Anonymise support files closed past the retention period, and the persons whose every "
        "file is. Dry run unless --apply."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--apply", action="store_true", help="Anonymise for real.")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        report = purge(apply=options["apply"])
        verb = "Anonymised" if report.apply else "Would anonymise"
        self.stdout.write(
            f"{verb} {len(report.files)} support file(s) and {len(report.persons)} person(s) "
            f"closed before {report.cutoff:%Y-%m-%d}."
        )
        if not report.apply:
            self.stdout.write("Dry run: nothing changed. Use --apply to act.")
