from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ArrangementsConfig(AppConfig):
    name = "recupero.arrangements"
    label = "arrangements"
    verbose_name = gettext_lazy("Accordi")
