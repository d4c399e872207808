from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "balise.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core.navigation import Section, register

        register(
            Section(
                _("Referrals"),
                _("Refer a presumed victim, resume a draft, follow your organisation's referrals."),
                "referrals:list",
                frozenset(
                    {
                        Role.REFERRER,
                        Role.HOTLINE_OPERATOR,
                        Role.CASE_OFFICER,
                        Role.TEAM_LEAD,
                        Role.REVIEWER,
                    }
                ),
            )
        )
