import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicReportsConfig(AppConfig):
    name = "balise.public_reports"
    label = "public_reports"
    verbose_name = _("Anonymous public reports")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core import navigation, scheduler

        navigation.register(
            navigation.Section(
                _("Anonymous public reports"),
                _("Triage reports made without an account and answer their authors."),
                "public_reports:staff_list",
                frozenset({Role.HOTLINE_OPERATOR, Role.CASE_OFFICER, Role.TEAM_LEAD}),
            )
        )
        scheduler.register(
            "balise.public_reports.tasks.expire_receipt_codes", datetime.timedelta(hours=6)
        )
        scheduler.register(
            "balise.public_reports.tasks.purge_public_reports", datetime.timedelta(hours=24)
        )
