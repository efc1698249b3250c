from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "recupero.web"
    label = "web"
    verbose_name = "Interfacce"
