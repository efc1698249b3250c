from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PaymentsConfig(AppConfig):
    name = "recupero.payments"
    label = "payments"
    verbose_name = gettext_lazy("Pagamenti")
    default_auto_field = "django.db.models.BigAutoField"
