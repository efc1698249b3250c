from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from recupero.core.models import AuditLog, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "vat_number")


@admin.register(User)
class RecuperoUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "tenant", "is_active")
    list_filter = ("role", "tenant", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Recupero", {"fields": ("tenant", "role", "creditor_id")}))  # type: ignore[misc]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "ip", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
