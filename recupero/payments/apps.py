from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "recupero.payments"
    label = "payments"
    verbose_name = "Pagamenti"
    default_auto_field = "django.db.models.BigAutoField"
