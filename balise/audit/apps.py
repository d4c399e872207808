from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "balise.audit"
    label = "audit"

    def ready(self) -> None:
        from balise.audit import signals  # noqa: F401
