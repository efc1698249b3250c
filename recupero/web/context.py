"""Template context shared by every page: the navigation allowed to the user's role, the agency's name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from recupero.core.domain.roles import ADMIN_SITE, EDIT_CASES, VIEW_CASES, VIEW_CREDITORS, Role, can

# (url name, label, icon, permission or None for everyone)
_ITEMS = [
    ("backoffice:home", "Cruscotto", "home", None),
    ("backoffice:case_list", "Pratiche", "folder", VIEW_CASES),
    ("backoffice:creditor_list", "Committenti", "building", VIEW_CREDITORS),
    ("backoffice:call_queue", "Telefonate", "phone", VIEW_CASES),
    ("backoffice:visit_queue", "Visite", "user", VIEW_CASES),
    ("backoffice:strategy_list", "Strategie", "settings", VIEW_CREDITORS),
    ("backoffice:strategy_runs", "Esecuzioni", "status", VIEW_CREDITORS),
    ("backoffice:import_list", "Importazioni", "open", EDIT_CASES),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    agency = settings.RECUPERO_AGENCY_NAME
    if user is None or not user.is_authenticated:
        return {"nav": [], "agency_name": agency}
    if user.tenant_id:
        agency = user.tenant.name
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    nav = []
    for url, label, icon, permission in _ITEMS:
        # Creditor users may see their own creditor's page even without the agency-wide permission.
        allowed = (
            permission is None
            or can(user.role, permission)
            or (url == "backoffice:creditor_list" and user.role == Role.CREDITOR_USER)
        )
        if allowed:
            active = current == url or (
                url != "backoffice:home" and current.startswith(url.rsplit("_", 1)[0])
            )
            nav.append({"url": url, "label": label, "icon": icon, "active": active})
    can_view_creditors = any(item["url"] == "backoffice:creditor_list" for item in nav)
    return {
        "nav": nav,
        "can_admin": can(user.role, ADMIN_SITE),
        "agency_name": agency,
        "can_view_creditors": can_view_creditors,
    }
