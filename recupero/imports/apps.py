from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ImportsConfig(AppConfig):
    name = "recupero.imports"
    label = "imports"
    verbose_name = gettext_lazy("Importazioni")

    def ready(self) -> None:
        from recupero.imports import tasks  # noqa: F401  registers the jobs the services enqueue by name
