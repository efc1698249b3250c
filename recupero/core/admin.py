"""The Django admin, cut to the user's agency. Every app's `admin.py` builds on `TenantScopedAdmin`.

- access comes from the role's `core.admin_site` capability, never from Django model permissions;
- lists, change pages, foreign-key and many-to-many choices, search and raw-id pop-ups hold only the rows of
  `request.user.tenant`; another agency's id is "not found";
- the tenant is set on add, never chosen;
- `read_only = True` admins (ledger, audit log, claims, timeline) allow no add, change or delete;
- every add, change and delete made here leaves an audit row, as a service write would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from recupero.core.admin_site import may_administer

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from recupero.core.models import AuditLog, Tenant, User
from recupero.core.services import audit_record


def tenant_rows(queryset: models.QuerySet[Any], request: HttpRequest) -> models.QuerySet[Any]:
    """The rows of the user's agency: by the tenant column, or the agency itself; nothing for anybody else."""
    tenant_id = getattr(request.user, "tenant_id", None)
    if not may_administer(request.user) or tenant_id is None:
        return queryset.none()
    if queryset.model is Tenant:
        return queryset.filter(pk=tenant_id)
    if any(f.name == "tenant" for f in queryset.model._meta.fields):
        return queryset.filter(tenant_id=tenant_id)
    return queryset.none()  # a model with no tenant is nobody's to administer here


class _TenantRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation (e.g. creditor) offering the agency's rows only: Django's would list every
    agency's creditors by name."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: Any
    ) -> list[tuple[str, str | _StrPromise]]:
        rows = tenant_rows(field.related_model._default_manager.all(), request)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return [(str(row.pk), str(row)) for row in (rows.order_by(*ordering) if ordering else rows)]


class _TenantScoped:
    """What the change lists and the inlines share: scoped rows, scoped choices, capability-based access."""

    read_only = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return tenant_rows(super().get_queryset(request), request)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = tenant_rows(db_field.remote_field.model._default_manager.all(), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = tenant_rows(db_field.remote_field.model._default_manager.all(), request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        scoped = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            field = self.model._meta.get_field(item) if isinstance(item, str) and "__" not in item else None  # type: ignore[attr-defined]
            scoped.append((item, _TenantRelatedFilter) if field is not None and field.is_relation else item)
        return scoped

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*(super().get_exclude(request, obj) or ()), "tenant")  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_administer(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not self.read_only and may_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and may_administer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and may_administer(request.user)


def _tenant_form(form: type[BaseForm], tenant_id: int | None) -> type[BaseForm]:
    """The admin's form with the agency already on the instance, so that unique constraints led by the tenant
    (creditor code, case code) are checked as form errors instead of failing in the database."""

    class TenantForm(form):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if hasattr(self.instance, "tenant_id") and self.instance.tenant_id is None:
                self.instance.tenant_id = tenant_id

        def _get_validation_exclusions(self) -> set[str]:
            return super()._get_validation_exclusions() - {"tenant"}

    TenantForm.__name__ = form.__name__
    return TenantForm


class TenantScopedAdmin(_TenantScoped, admin.ModelAdmin):  # type: ignore[type-arg]
    """Base of every Recupero ModelAdmin."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return _tenant_form(form, getattr(request.user, "tenant_id", None))

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Django redirects to the index with "does not exist"; another agency's id is simply not found (404).
        raise Http404("Elemento non trovato.")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "admin.change" if change else "admin.add", form.changed_data)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [changed for changed, _ in formset.changed_objects]:
            self._audit(request, obj, "admin.change", [])
        for obj in formset.deleted_objects:
            self._audit(request, obj, "admin.delete", [])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, "admin.delete", [])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit(request, obj, "admin.delete", [])
        super().delete_queryset(request, queryset)

    @staticmethod
    def _audit(request: HttpRequest, obj: Any, action: str, fields: list[str]) -> None:
        user = request.user
        assert isinstance(user, User) and user.tenant is not None  # only agency administrators get here
        audit_record(tenant=user.tenant, actor=user, action=action, obj=obj, details={"fields": fields})


class _TenantScopedInline(_TenantScoped):
    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = _tenant_form(formset.form, getattr(request.user, "tenant_id", None))
        return formset


class TenantScopedTabularInline(_TenantScopedInline, admin.TabularInline):  # type: ignore[type-arg]
    pass


class TenantScopedStackedInline(_TenantScopedInline, admin.StackedInline):  # type: ignore[type-arg]
    pass


# ---- the shared kernel's own admins --------------------------------------------------------------------------
@admin.register(Tenant)
class TenantAdmin(TenantScopedAdmin):
    """The agency's own details (name, PEC, licence, IBAN): changed here, never added or removed."""

    list_display = ("code", "name", "vat_number")
    readonly_fields = ("code",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class RecuperoUserAdmin(TenantScopedAdmin, UserAdmin):  # type: ignore[misc]
    """The agency's users. No superuser flag, groups or Django permissions: the role decides (roles.py). The
    creditor of a portal user is set when the user is created (a number here could name another agency's)."""

    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    readonly_fields = ("creditor_id", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Dati personali", {"fields": ("first_name", "last_name", "email")}),
        ("Ruolo", {"fields": ("role", "creditor_id", "is_active")}),
        ("Date", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ()


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)  # django-otp's admin shows every agency's devices and their secrets


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TenantScopedAdmin):
    """The authenticators of the agency's users, without their secrets: an administrator removes the one of a
    user who lost their phone, who then enrols a new one at the next login."""

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        rows = admin.ModelAdmin.get_queryset(self, request)
        if not may_administer(request.user):
            return rows.none()
        return rows.filter(user__tenant_id=getattr(request.user, "tenant_id", None))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(TenantScopedAdmin):
    """Append-only: read here, never added, changed or deleted."""

    read_only = True
    list_display = ("at", "actor", "ip", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]
    show_full_result_count = False
