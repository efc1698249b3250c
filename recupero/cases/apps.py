from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "recupero.cases"
    label = "cases"
    verbose_name = "Pratiche"
