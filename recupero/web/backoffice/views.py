"""Back-office pages. Thin: parse input, call one selector or page read model, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from recupero.cases.access import access_link_current
from recupero.web.backoffice import pages, payments
from recupero.web.backoffice.desk import assign_choices
from recupero.web.backoffice.disputes import case_desk
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


@backoffice_view
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = pages.home_page(tenant=tenant_of(request), actor=user)
    return render(request, "web/home.html", {"page": page})


@backoffice_view
def case_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    page = pages.case_list_page(tenant=tenant_of(request), actor=user, query=request.GET)
    if page.parsed.ignored:
        messages.warning(request, "Filtro non valido ignorato: " + ", ".join(page.parsed.ignored) + ".")
    template = "web/case_list.html#results" if request.htmx else "web/case_list.html"
    assign = assign_choices(tenant=tenant_of(request), actor=user, query=request.GET)
    return render(request, template, {"page": page, "assign": assign})


@backoffice_view
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    user = request.user
    page = pages.case_page(tenant=tenant_of(request), actor=user, case_id=case_id)
    context = {"page": page, "case": page.case, **payments.case_context(request, page.case.pk)}
    context["desk"] = case_desk(tenant=tenant_of(request), actor=user, case=page.case)
    context["access_link"] = access_link_current(case=page.case)  # the debtor's personal link (web/debtor)
    return render(request, "web/case_detail.html", context)


@backoffice_view
def creditor_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    creditors = pages.creditor_rows(tenant=tenant_of(request), actor=user)
    return render(request, "web/creditor_list.html", {"creditors": creditors})


@backoffice_view
def creditor_detail(request: AuthedRequest, creditor_id: int) -> HttpResponse:
    user = request.user
    page = pages.creditor_page(tenant=tenant_of(request), actor=user, creditor_id=creditor_id)
    return render(request, "web/creditor_detail.html", {"page": page, "creditor": page.creditor})
