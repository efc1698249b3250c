from django.contrib import admin
from django.http import HttpRequest

from recupero.cases.models import Assignment, Case, Claim, TimelineEvent
from recupero.core.admin import TenantScopedAdmin, TenantScopedTabularInline


@admin.register(Assignment)
class AssignmentAdmin(TenantScopedAdmin):
    list_display = ("code", "creditor", "received_on", "return_on", "status")
    list_filter = ("status", "creditor")


class ClaimInline(TenantScopedTabularInline):
    """Read-only: a claim's amount is in the ledger and the case's cached balance, which only the services keep
    in step (an edit here would leave the books telling another story)."""

    model = Claim
    extra = 0
    read_only = True


@admin.register(Case)
class CaseAdmin(TenantScopedAdmin):
    list_display = ("code", "creditor", "debtor", "status", "original_amount", "balance")
    list_filter = ("status", "creditor", "claim_type")
    search_fields = ("=code", "=creditor_reference")
    raw_id_fields = ("debtor", "assignment", "consultant")
    readonly_fields = ("status", "balance", "seq", "code", "original_amount")
    inlines = [ClaimInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # a case opens through an intake or the API (case_open: code, claims, opening entry)


@admin.register(TimelineEvent)
class TimelineEventAdmin(TenantScopedAdmin):
    """The case's history: appended by the services, read here."""

    read_only = True
    list_display = ("at", "case", "kind", "summary")
    raw_id_fields = ("case",)
    show_full_result_count = False
