from django.contrib import admin

from recupero.core.admin import TenantScopedAdmin
from recupero.ledger.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(TenantScopedAdmin):
    """Append-only books: entries are posted and reversed by the ledger services, read here."""

    read_only = True
    list_display = ("posted_on", "case", "kind", "debit_account", "credit_account", "amount")
    list_filter = ("kind",)
    raw_id_fields = ("case", "reverses")
    show_full_result_count = False
