from django.contrib import admin

from recupero.core.admin import TenantScopedAdmin, TenantScopedStackedInline
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate


class MandateInline(TenantScopedStackedInline):
    model = Mandate
    extra = 0


@admin.register(Creditor)
class CreditorAdmin(TenantScopedAdmin):
    list_display = ("code", "name", "sector", "vat_number")
    list_filter = ("sector",)
    search_fields = ("code", "name", "vat_number")
    inlines = [MandateInline]
    filter_horizontal = ("consultants",)


@admin.register(Debtor)
class DebtorAdmin(TenantScopedAdmin):
    list_display = ("display_name", "kind", "size", "tax_code", "vat_number", "vulnerable")
    list_filter = ("kind", "size", "vulnerable")
    search_fields = ("=tax_code", "=vat_number", "search_name")
    show_full_result_count = False


@admin.register(ContactPoint)
class ContactPointAdmin(TenantScopedAdmin):
    list_display = ("debtor", "kind", "value", "status", "source")
    list_filter = ("kind", "status")
    raw_id_fields = ("debtor",)
    show_full_result_count = False
