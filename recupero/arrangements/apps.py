from django.apps import AppConfig


class ArrangementsConfig(AppConfig):
    name = "recupero.arrangements"
    label = "arrangements"
    verbose_name = "Accordi"
