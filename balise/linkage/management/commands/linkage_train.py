"""Train the linkage model on the register and save it (no personal data in the output)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from balise.linkage import services


class Command(BaseCommand):
    help = "Train the probabilistic linkage model on the register of persons and save it."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        try:
            path, n = services.train_and_save(seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Model trained on {n} persons, saved to {path}")
