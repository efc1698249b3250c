"""The creditor's downloads page: remittance statements, commission invoices, outcomes files, letters. The
remittance and letter files are served by their own (scoped, audited) views; the outcomes file here."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from recupero.reporting.downloads import outcomes_file, portal_downloads
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


@backoffice_view
def downloads(request: AuthedRequest) -> HttpResponse:
    found = portal_downloads(tenant=tenant_of(request), actor=request.user)
    return render(request, "web/portal/downloads.html", {"d": found})


@backoffice_view
def outcomes(request: AuthedRequest, assignment_id: int, fmt: str) -> HttpResponse:
    content, name, content_type = outcomes_file(
        tenant=tenant_of(request), actor=request.user, assignment_id=assignment_id, fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
