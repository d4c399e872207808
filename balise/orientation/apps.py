from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrientationConfig(AppConfig):
    name = "balise.orientation"
    label = "orientation"
    verbose_name = _("Orientation and protection")

    def ready(self) -> None:
        import datetime

        from balise.accounts.enums import Role
        from balise.core import scheduler
        from balise.core.navigation import Section, register

        register(
            Section(
                _("Orientation and protection"),
                _("Orient people to services, answer requests, follow people up and close."),
                "orientation:list",
                frozenset(
                    {
                        Role.CASE_OFFICER,
                        Role.TEAM_LEAD,
                        Role.REVIEWER,
                        Role.SUPPORT_WORKER,
                        Role.SHELTER_MANAGER,
                        Role.REFERRER,
                    }
                ),
            )
        )
        scheduler.register(
            "balise.orientation.tasks.remind_pending_orientations", datetime.timedelta(hours=6)
        )
        scheduler.register(
            "balise.orientation.tasks.purge_closed_support_files", datetime.timedelta(hours=24)
        )
