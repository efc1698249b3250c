from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WorklistsConfig(AppConfig):
    name = "recupero.worklists"
    label = "worklists"
    verbose_name = gettext_lazy("Code di lavoro")
