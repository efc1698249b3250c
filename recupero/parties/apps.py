from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "recupero.parties"
    label = "parties"
    verbose_name = "Soggetti"
