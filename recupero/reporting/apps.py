from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "recupero.reporting"
    label = "reporting"
    verbose_name = "Reportistica"
    default_auto_field = "django.db.models.BigAutoField"
