"""The creditor portal (web/portal): thin views over `pages.portal_home`."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.portal import pages
from recupero.web.portal.sheets import table_response


@backoffice_view
def home(request: AuthedRequest) -> HttpResponse:
    page = pages.portal_home(tenant=tenant_of(request), actor=request.user)
    return render(request, "web/portal/home.html", {"page": page, "chart_data": page.chart_data})


@backoffice_view
def export(request: AuthedRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    page = pages.portal_home(tenant=tenant_of(request), actor=request.user)
    found = page.tables.get(table)
    if found is None:
        raise Http404
    return table_response(f"portafoglio-{table}", found.headers, found.rows, fmt)
