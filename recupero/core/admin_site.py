"""The Django admin site of Recupero: open to the roles holding `core.admin_site`, never by Django permissions.

An agency administrator is not a Django superuser: what the admin shows is cut to their agency by
`recupero.core.admin.TenantScopedAdmin`. A superuser made with `createsuperuser` (the operator of the
installation, with no agency) keeps Django's own pages (login attempts, devices) and sees no business row.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy

from recupero.core.domain.roles import ADMIN_SITE, can


def may_administer(user: Any) -> bool:
    """The agency's own administration: an active user of an agency whose role holds `core.admin_site`."""
    return bool(
        getattr(user, "is_active", False) and getattr(user, "tenant_id", None) and can(user.role, ADMIN_SITE)
    )


class RecuperoAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Recupero — amministrazione")
    site_title = "Recupero"
    index_title = gettext_lazy("Amministrazione dell'agenzia")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or may_administer(user)))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Logged in without the capability: 403 at once (Django would send them to a login they passed).
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return checked

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One login page for everybody, with the same throttling and second factor as the back office.
        if request.user.is_authenticated:
            raise PermissionDenied  # logged in, but the role has no access to the administration
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("login"))
