from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RemittanceConfig(AppConfig):
    name = "recupero.remittance"
    label = "remittance"
    verbose_name = gettext_lazy("Rendiconti e riversamenti")
