from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "balise.hotline"
    label = "hotline"
    verbose_name = _("Hotline")

    def ready(self) -> None:
        from balise.accounts.enums import Role
        from balise.core import navigation

        navigation.register(
            navigation.Section(
                _("Hotline console"),
                _("Log calls, give advice, follow up and turn calls into referrals."),
                "hotline:call_list",
                frozenset({Role.HOTLINE_OPERATOR}),
            )
        )
