import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "balise.observatory"
    label = "observatory"
    verbose_name = _("Observatory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core import navigation, scheduler

        from . import contributors  # noqa: F401  (registers the built-in contributors)

        navigation.register(
            navigation.Section(
                _("Observatory"),
                _("Published statistics, dashboards, the annual report and the releases."),
                "observatory:list",
                frozenset({Role.STATISTICIAN, Role.PLAN_COORDINATOR, Role.ADMINISTRATOR}),
            )
        )
        scheduler.register(
            "balise.observatory.tasks.refresh_projection_task", datetime.timedelta(hours=24)
        )
        scheduler.register(
            "balise.observatory.tasks.fail_stale_assemblies_task", datetime.timedelta(minutes=15)
        )
        scheduler.register(
            "balise.observatory.tasks.prune_cell_keys_task", datetime.timedelta(hours=24)
        )
