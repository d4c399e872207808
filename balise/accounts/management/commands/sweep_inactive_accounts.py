"""Warn, then disable, accounts nobody has used for the configured number of days."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from balise.accounts.services import inactive_accounts_plan, inactive_accounts_sweep


class Command(BaseCommand):
    help = (
        "Warn accounts unused for BALISE_INACTIVE_WARN_DAYS days and disable those unused for "
        "BALISE_INACTIVE_DISABLE_DAYS days (it also runs every day as a background task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report what would be done; send no email and change nothing.",
        )

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> None:
        warn_days = settings.BALISE_INACTIVE_WARN_DAYS
        disable_days = settings.BALISE_INACTIVE_DISABLE_DAYS
        if dry_run:
            plan = inactive_accounts_plan()
            counts = {
                "warned": len(plan.to_warn),
                "disabled": len(plan.to_disable),
                "cleared": len(plan.to_clear),
            }
            if int(options.get("verbosity", 1)) >= 2:
                # Account identifiers only, never names or addresses.
                for label, users in (("warn", plan.to_warn), ("disable", plan.to_disable)):
                    for user in users:
                        self.stdout.write(f"would {label}: {user.pk}")
            prefix = "Dry run, nothing changed. Would have"
        else:
            counts = inactive_accounts_sweep()
            prefix = "Done:"
        self.stdout.write(
            f"{prefix} warned {counts['warned']} account(s) unused for {warn_days} days, "
            f"disabled {counts['disabled']} account(s) unused for {disable_days} days, "
            f"released {counts['cleared']} account(s) used again since their warning."
        )
