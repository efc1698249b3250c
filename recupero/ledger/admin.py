from django.contrib import admin

from recupero.ledger.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("posted_on", "case", "kind", "debit_account", "credit_account", "amount")
    list_filter = ("kind",)
    raw_id_fields = ("case", "reverses")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
