"""Template context shared by every page: the navigation allowed to the user's role, the agency's name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from recupero.core.domain.i18n import gettext_lazy
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
_ITEMS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("backoffice:home", gettext_lazy("Cruscotto"), "home", ()),
    ("backoffice:case_list", gettext_lazy("Pratiche"), "folder", (VIEW_CASES,)),
    ("backoffice:creditor_list", gettext_lazy("Committenti"), "building", (VIEW_CREDITORS,)),
    ("backoffice:call_queue", gettext_lazy("Telefonate"), "phone", QUEUE_CAPABILITIES[ItemKind.CALL]),
    ("backoffice:visit_queue", gettext_lazy("Visite"), "user", QUEUE_CAPABILITIES[ItemKind.VISIT]),
    (
        "backoffice:skip_trace_queue",
        gettext_lazy("Rintracci"),
        "search",
        QUEUE_CAPABILITIES[ItemKind.SKIP_TRACE],
    ),
    ("backoffice:strategy_list", gettext_lazy("Strategie"), "settings", (VIEW_STRATEGIES,)),
    ("backoffice:strategy_runs", gettext_lazy("Esecuzioni"), "status", (VIEW_STRATEGIES,)),
    ("backoffice:import_list", gettext_lazy("Importazioni"), "open", (VIEW_IMPORTS,)),
    ("backoffice:rate_list", gettext_lazy("Tassi"), "ledger", (MANAGE_RATES,)),
    ("backoffice:audit_log", gettext_lazy("Registro audit"), "ledger", (VIEW_AUDIT,)),
    ("backoffice:payment_statements", gettext_lazy("Incassi"), "ledger", (RECONCILE_PAYMENTS,)),
    # readers of remittances: remittance.issue, or creditors + documents (everyone with VIEW_CREDITORS has both)
    ("backoffice:remittance_list", gettext_lazy("Rendiconti"), "ledger", (VIEW_CREDITORS,)),
    (
        "backoffice:arrangement_approvals",
        gettext_lazy("Accordi da approvare"),
        "status",
        (APPROVE_ARRANGEMENTS,),
    ),
    ("backoffice:my_queue", gettext_lazy("La mia coda"), "phone", (WORK_ITEMS,)),
    ("backoffice:desk", gettext_lazy("Scrivania code"), "status", (VIEW_QUEUES,)),
    ("backoffice:visit_day", gettext_lazy("La mia giornata"), "user", (REPORT_VISITS,)),
    ("portal:home", gettext_lazy("Portafoglio"), "status", (VIEW_CASES,)),
    ("portal:downloads", gettext_lazy("Documenti"), "open", (VIEW_CREDITORS,)),
    ("backoffice:agency_reports", gettext_lazy("Report"), "status", (VIEW_AGENCY_REPORTS,)),
    ("portal:integration", gettext_lazy("Integrazione"), "settings", (MANAGE_INTEGRATION,)),
    ("portal:monthly_report", gettext_lazy("Report mensile"), "open", (MONTHLY_REPORT,)),
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
