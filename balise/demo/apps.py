from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "balise.demo"
    label = "demo"
