"""The creditor's monthly report page: the day of the month and the recipients (its own users), the last
sendings. Thin: one selector to show, one service to set."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from recupero.core.errors import DomainError
from recupero.reporting.monthly import monthly_report_set
from recupero.reporting.selectors import monthly_report_page
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


@backoffice_view
def monthly_report(request: AuthedRequest) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    if request.method == "POST":
        day = request.POST.get("day", "")
        try:
            monthly_report_set(
                tenant=tenant, actor=user, day=int(day) if day.strip().isdigit() else 0,
                recipient_ids=_ints(request.POST.getlist("recipients")), active=request.POST.get("active") == "on",
            )  # fmt: skip
        except DomainError as exc:
            if exc.code.startswith("auth."):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Report mensile programmato."))
        return redirect("portal:monthly_report")
    page = monthly_report_page(tenant=tenant, actor=user)
    return render(request, "web/portal/monthly.html", {"page": page, "days": range(1, 29)})
