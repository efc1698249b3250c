from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WebConfig(AppConfig):
    name = "recupero.web"
    label = "web"
    verbose_name = gettext_lazy("Interfacce")

    def ready(self) -> None:
        from recupero.web.converters import register

        register()  # before any urls module is imported: every `<id:…>` route needs it
