"""The portal's page of one case's message thread with the agency (GET shows it, POST adds a message)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from recupero.cases.selectors import case_get
from recupero.web.backoffice.thread import post_message, thread_context
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


@backoffice_view
def case_thread(request: AuthedRequest, case_id: int) -> HttpResponse:
    if request.method == "POST":
        case = post_message(request, case_id)
        return redirect("portal:case_thread", case_id=case.pk)
    case = case_get(tenant=tenant_of(request), actor=request.user, case_id=case_id)
    url = reverse("portal:case_thread", args=[case.pk])
    context = {"case": case, **thread_context(request, case, url)}
    return render(request, "web/portal/thread.html", context)
