from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "balise.core"
    label = "core"
