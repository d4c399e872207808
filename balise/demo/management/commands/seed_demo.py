from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from balise.demo.data import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load plausible, clearly fictitious demo data (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="repeatable output")

    def handle(self, *args, seed: int, **options):
        # Each app may contribute demo data in a ``demo`` module.
        for config in apps.get_app_configs():
            if config.name.startswith("balise."):
                try:
                    import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
        translation.activate("fr")
        try:
            accounts = build_demo(seed=seed)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            "Second factor: add the key to an authenticator app, or print the current code with "
            "`./balise.sh totp EMAIL`."
        )
        for a in accounts:
            self.stdout.write(f"  {a['role']:<40} {a['email']:<45} key {a['totp_secret']}")
