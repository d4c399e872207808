import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "balise.plans"
    label = "plans"
    verbose_name = _("National action plan")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core import navigation, scheduler

        navigation.register(
            navigation.Section(
                _("National action plan"),
                _("Measures, responsible bodies, progress updates and the follow-up dashboard."),
                "plans:list",
                frozenset(Role.values),
            )
        )
        scheduler.register(
            "balise.plans.tasks.remind_overdue_milestones", datetime.timedelta(hours=24)
        )
        scheduler.register("balise.plans.tasks.refresh_indicators", datetime.timedelta(hours=24))
