from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "balise.organisations"
    label = "organisations"
