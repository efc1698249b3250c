from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "recupero.imports"
    label = "imports"
    verbose_name = "Importazioni"

    def ready(self) -> None:
        from recupero.imports import tasks  # noqa: F401  registers the jobs the services enqueue by name
