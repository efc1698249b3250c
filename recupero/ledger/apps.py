from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LedgerConfig(AppConfig):
    name = "recupero.ledger"
    label = "ledger"
    verbose_name = gettext_lazy("Contabilità pratiche")
