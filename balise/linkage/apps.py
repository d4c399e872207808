from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    """The Django side of linkage: possible matches for case officers, reversible merges and
    the PPRL commands. The library modules of this package stay free of Django imports."""

    name = "balise.linkage"
    label = "linkage"
    verbose_name = _("Duplicate detection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core.navigation import Section, register
        from balise.linkage import receivers  # noqa: F401

        register(
            Section(
                _("Possible duplicates"),
                _("Persons who may already be in the register: compare, confirm or reject."),
                "linkage:queue",
                frozenset({Role.CASE_OFFICER, Role.TEAM_LEAD}),
            )
        )
