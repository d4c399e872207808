from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from balise.accounts.models import TOTPDevice
from balise.demo.data import DEMO_DOMAIN, current_code


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (demo deployments only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not settings.BALISE_DEMO_ALLOWED or not email.endswith("@" + DEMO_DOMAIN):
            raise CommandError("Only demo accounts, and never in production.")
        device = TOTPDevice.objects.filter(user__email=email.lower()).first()
        if device is None:
            raise CommandError("No such demo account with a second factor.")
        self.stdout.write(current_code(device.secret))
