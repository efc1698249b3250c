"""Template context shared by every page: the navigation allowed to the user's role, the agency's name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from recupero.core.domain.roles import (
    ADMIN_SITE,
    APPROVE_ARRANGEMENTS,
    MANAGE_INTEGRATION,
    MANAGE_RATES,
    MONTHLY_REPORT,
    RECONCILE_PAYMENTS,
    REPORT_VISITS,
    VIEW_AGENCY_REPORTS,
    VIEW_AUDIT,
    VIEW_CASES,
    VIEW_CREDITORS,
    VIEW_IMPORTS,
    VIEW_QUEUES,
    VIEW_STRATEGIES,
    WORK_ITEMS,
    can,
)
from recupero.worklists.domain.items import QUEUE_CAPABILITIES, ItemKind

# (url name, label, icon, the capabilities that open it: any one; () for everyone). The pages refuse by
# themselves (their selectors check); the menu only leaves out what would be refused.
_ITEMS: list[tuple[str, str | StrPromise, str, tuple[str, ...]]] = [
    ("backoffice:home", "Cruscotto", "home", ()),
    ("backoffice:case_list", "Pratiche", "folder", (VIEW_CASES,)),
    ("backoffice:creditor_list", "Committenti", "building", (VIEW_CREDITORS,)),
    ("backoffice:call_queue", "Telefonate", "phone", QUEUE_CAPABILITIES[ItemKind.CALL]),
    ("backoffice:visit_queue", "Visite", "user", QUEUE_CAPABILITIES[ItemKind.VISIT]),
    ("backoffice:skip_trace_queue", "Rintracci", "search", QUEUE_CAPABILITIES[ItemKind.SKIP_TRACE]),
    ("backoffice:strategy_list", "Strategie", "settings", (VIEW_STRATEGIES,)),
    ("backoffice:strategy_runs", "Esecuzioni", "status", (VIEW_STRATEGIES,)),
    ("backoffice:import_list", "Importazioni", "open", (VIEW_IMPORTS,)),
    ("backoffice:rate_list", "Tassi", "ledger", (MANAGE_RATES,)),
    ("backoffice:audit_log", "Registro audit", "ledger", (VIEW_AUDIT,)),
    ("backoffice:payment_statements", "Incassi", "ledger", (RECONCILE_PAYMENTS,)),
    # readers of remittances: remittance.issue, or creditors + documents (everyone with VIEW_CREDITORS has both)
    ("backoffice:remittance_list", "Rendiconti", "ledger", (VIEW_CREDITORS,)),
    ("backoffice:arrangement_approvals", "Accordi da approvare", "status", (APPROVE_ARRANGEMENTS,)),
    ("backoffice:my_queue", "La mia coda", "phone", (WORK_ITEMS,)),
    ("backoffice:desk", "Scrivania code", "status", (VIEW_QUEUES,)),
    ("backoffice:visit_day", "La mia giornata", "user", (REPORT_VISITS,)),
    ("portal:home", "Portafoglio", "status", (VIEW_CASES,)),
    ("portal:downloads", _("Documenti"), "open", (VIEW_CREDITORS,)),
    ("backoffice:agency_reports", "Report", "status", (VIEW_AGENCY_REPORTS,)),
    ("portal:integration", "Integrazione", "settings", (MANAGE_INTEGRATION,)),
    ("portal:monthly_report", _("Report mensile"), "open", (MONTHLY_REPORT,)),
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
        allowed = not permission or any(can(user.role, p) for p in permission)
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
