from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "recupero.demo"
    label = "demo"
    verbose_name = "Dati dimostrativi"
