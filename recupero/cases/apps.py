from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CasesConfig(AppConfig):
    name = "recupero.cases"
    label = "cases"
    verbose_name = gettext_lazy("Pratiche")
