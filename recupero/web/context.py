"""Template context shared by every page: the navigation allowed to the user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from recupero.core.domain.roles import ADMIN_SITE, VIEW_CASES, VIEW_CREDITORS, can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [("backoffice:home", "Cruscotto", True), ("backoffice:case_list", "Pratiche", can(user.role, VIEW_CASES))]
    items.append(("backoffice:creditor_list", "Committenti", can(user.role, VIEW_CREDITORS)))
    nav = [{"url": url, "label": label} for url, label, ok in items if ok]
    return {"nav": nav, "can_admin": can(user.role, ADMIN_SITE)}
