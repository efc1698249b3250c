"""The creditor portal (web/portal): thin views over `pages.portal_home`, and the approve/reject of a proposal
beyond the mandate from the home's list (the arrangements' services decide and check the scope)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.arrangements.selectors import arrangement_get
from recupero.arrangements.services import arrangement_approve, arrangement_reject
from recupero.core.errors import DomainError
from recupero.web.backoffice.thread import waiting_context
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.portal import pages
from recupero.web.portal.sheets import table_response

DECISIONS = {"approve": arrangement_approve, "reject": arrangement_reject}


@backoffice_view
def home(request: AuthedRequest) -> HttpResponse:
    page = pages.portal_home(tenant=tenant_of(request), actor=request.user)
    context = {"page": page, "chart_data": page.chart_data, **waiting_context(request)}
    return render(request, "web/portal/home.html", context)


@backoffice_view
def export(request: AuthedRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    page = pages.portal_home(tenant=tenant_of(request), actor=request.user)
    found = page.tables.get(table)
    if found is None:
        raise Http404
    return table_response(f"portafoglio-{table}", found.headers, found.rows, fmt)


@require_POST
@backoffice_view
def decide(request: AuthedRequest, arrangement_id: int) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    arrangement = arrangement_get(tenant=tenant, actor=user, arrangement_id=arrangement_id)
    decision, reason = request.POST.get("decision", ""), str(request.POST.get("reason", ""))[:300]
    if decision not in DECISIONS:
        messages.error(request, _("Decisione non valida."))
        return redirect("portal:home")
    try:
        done = DECISIONS[decision](tenant=tenant, actor=user, arrangement=arrangement, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(kind)s sulla pratica %(code)s: %(status)s.")
            % {"kind": done.kind_label, "code": arrangement.case.code, "status": done.status_label.lower()},
        )  # fmt: skip
    return redirect("portal:home")
