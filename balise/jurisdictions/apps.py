from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "balise.jurisdictions"
    label = "jurisdictions"
