from django.contrib import admin

from recupero.cases.models import Assignment, Case, Claim, TimelineEvent


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("code", "creditor", "received_on", "return_on", "status")
    list_filter = ("status", "creditor")


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("code", "creditor", "debtor", "status", "original_amount", "balance")
    list_filter = ("status", "creditor", "claim_type")
    search_fields = ("=code", "=creditor_reference")
    raw_id_fields = ("debtor", "assignment", "consultant")
    readonly_fields = ("status", "balance", "seq", "code")
    inlines = [ClaimInline]
    show_full_result_count = False


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("at", "case", "kind", "summary")
    raw_id_fields = ("case",)
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
