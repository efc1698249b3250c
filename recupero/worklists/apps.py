from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "recupero.worklists"
    label = "worklists"
    verbose_name = "Code di lavoro"
