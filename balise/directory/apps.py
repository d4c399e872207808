from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "balise.directory"
    label = "directory"
    verbose_name = _("Directory of services")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core.navigation import Section, register

        register(
            Section(
                _("Directory of services"),
                _("Shelters and services for victims: who they accept, where, and free places."),
                "directory:list",
                frozenset(
                    {
                        Role.CASE_OFFICER,
                        Role.TEAM_LEAD,
                        Role.REVIEWER,
                        Role.SUPPORT_WORKER,
                        Role.SHELTER_MANAGER,
                        Role.REFERRER,
                        Role.ADMINISTRATOR,
                    }
                ),
            )
        )
