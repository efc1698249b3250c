from django.contrib import admin

from recupero.channels.models import Communication, CommunicationEvidence, PrintBatch
from recupero.core.admin import TenantScopedAdmin


@admin.register(Communication)
class CommunicationAdmin(TenantScopedAdmin):
    list_display = ("scheduled_for", "case", "kind", "template", "status", "provider_message_id")
    list_filter = ("kind", "status")
    raw_id_fields = ("case", "contact", "print_batch")
    search_fields = ("idempotency_key", "provider_message_id", "tracking_number")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # statuses move only through the services' transition table


@admin.register(CommunicationEvidence)
class CommunicationEvidenceAdmin(TenantScopedAdmin):
    list_display = ("received_at", "communication", "kind")
    raw_id_fields = ("communication",)


@admin.register(PrintBatch)
class PrintBatchAdmin(TenantScopedAdmin):
    list_display = ("on", "seq", "letters", "pages")
