from django.contrib import admin

from recupero.core.admin import TenantScopedAdmin
from recupero.worklists.models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(TenantScopedAdmin):
    list_display = ("due_on", "case", "kind", "status", "outcome", "assigned_to")
    list_filter = ("kind", "status")
    raw_id_fields = ("case", "assigned_to", "done_by")
    show_full_result_count = False
