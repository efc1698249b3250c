from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "recupero.ledger"
    label = "ledger"
    verbose_name = "Contabilità pratiche"
