from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "recupero.web"
    label = "web"
    verbose_name = "Interfacce"

    def ready(self) -> None:
        from recupero.web.converters import register

        register()  # before any urls module is imported: every `<id:…>` route needs it
