import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "balise.identification"
    label = "identification"
    verbose_name = _("Identification")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core import scheduler
        from balise.core.navigation import Section, register
        from balise.identification import receivers  # noqa: F401
        from balise.identification.panels import referrer_outcome_panel
        from balise.referrals import panels

        panels.register(referrer_outcome_panel)

        register(
            Section(
                _("Identification queue"),
                _("Referrals and cases awaiting a decision, deadlines, reviews and assignments."),
                "identification:queue",
                frozenset({Role.CASE_OFFICER, Role.TEAM_LEAD, Role.REVIEWER}),
            )
        )
        register(
            Section(
                _("Identification delays"),
                _("Median and 90th-percentile days per stage, cases over target, monthly trend."),
                "identification:dashboard",
                frozenset({Role.TEAM_LEAD}),
            )
        )
        scheduler.register(
            "balise.identification.tasks.send_deadline_reminders", datetime.timedelta(hours=1)
        )
