from django.core.management.base import BaseCommand

from balise.observatory import services


class Command(BaseCommand):
    help = "Rebuild the observatory's pseudonymised projection from the source apps."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        refresh = services.refresh_projection(actor=None)
        self.stdout.write(
            f"projection refreshed: {refresh.rows} person-periods, years {refresh.years}, "
            f"contributors {', '.join(refresh.contributors)}"
        )
