from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "recupero.strategies"
    label = "strategies"
    verbose_name = "Strategie"
