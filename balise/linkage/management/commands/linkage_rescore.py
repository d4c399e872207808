"""Re-score the whole register (e.g. after an import), with a text progress bar on stderr.

Pending candidates are replaced; confirmed and rejected decisions are kept as they are."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from balise.linkage import services


class Command(BaseCommand):
    help = "Re-score every person of the register and replace the pending possible matches."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--chunk", type=int, default=services.CHUNK)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        progress = None if options["no_progress"] else services.text_progress(self.stderr._out)
        count, method = services.rescore_all(progress, chunk=max(1, options["chunk"]))
        if method == "exact":
            self.stdout.write(
                "No trained model: exact matches only (run linkage_train to use the model)."
            )
        self.stdout.write(f"{count} possible matches pending review.")
        sys.stderr.flush()
