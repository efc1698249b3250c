"""Back-office pages. Thin: parse input, call one selector or page read model, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recupero.cases.services import case_view_record
from recupero.web.backoffice import pages
from recupero.web.errors import backoffice_view


@backoffice_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = pages.home_page(tenant=user.tenant, actor=user)
    return render(request, "web/home.html", {"page": page})


@backoffice_view
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = pages.case_list_page(tenant=user.tenant, actor=user, query=request.GET)
    if page.parsed.ignored:
        messages.warning(request, "Filtro non valido ignorato: " + ", ".join(page.parsed.ignored) + ".")
    template = "web/case_list.html#results" if request.htmx else "web/case_list.html"
    return render(request, template, {"page": page})


@backoffice_view
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    page = pages.case_page(tenant=user.tenant, actor=user, case_id=case_id)
    # A creditor's user looking at a debtor's personal data leaves a trace (GDPR accountability).
    case_view_record(tenant=user.tenant, actor=user, case=page.case, via="backoffice")
    return render(request, "web/case_detail.html", {"page": page, "case": page.case})


@backoffice_view
def creditor_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    creditors = pages.creditor_rows(tenant=user.tenant, actor=user)
    return render(request, "web/creditor_list.html", {"creditors": creditors})


@backoffice_view
def creditor_detail(request: HttpRequest, creditor_id: int) -> HttpResponse:
    user = request.user
    page = pages.creditor_page(tenant=user.tenant, actor=user, creditor_id=creditor_id)
    return render(request, "web/creditor_detail.html", {"page": page, "creditor": page.creditor})
