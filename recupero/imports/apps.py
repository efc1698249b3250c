from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "recupero.imports"
    label = "imports"
    verbose_name = "Importazioni"
