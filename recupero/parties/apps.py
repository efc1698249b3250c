from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PartiesConfig(AppConfig):
    name = "recupero.parties"
    label = "parties"
    verbose_name = gettext_lazy("Soggetti")
