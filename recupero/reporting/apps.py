from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportingConfig(AppConfig):
    name = "recupero.reporting"
    label = "reporting"
    verbose_name = gettext_lazy("Reportistica")
    default_auto_field = "django.db.models.BigAutoField"
