from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "recupero.core"
    label = "core"
    verbose_name = "Nucleo"
