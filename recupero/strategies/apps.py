from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class StrategiesConfig(AppConfig):
    name = "recupero.strategies"
    label = "strategies"
    verbose_name = gettext_lazy("Strategie")
