from django.apps import AppConfig


class RemittanceConfig(AppConfig):
    name = "recupero.remittance"
    label = "remittance"
    verbose_name = "Rendiconti e riversamenti"
