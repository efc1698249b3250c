"""The case's message thread on the case page (staff and creditor users alike) and its post. Thin: the
channels service writes the message (through cases) and e-mails the other side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recupero.cases.models import Case
from recupero.cases.selectors import case_get, case_messages, threads_waiting
from recupero.channels.notices import case_message_send
from recupero.core.domain.roles import CASE_MESSAGES, can
from recupero.core.errors import DomainError
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of


def thread_context(request: AuthedRequest, case: Case, post_url: str = "") -> dict[str, Any]:
    """`thread` (None for roles outside the thread) and where its form posts."""
    if not can(request.user.role, CASE_MESSAGES):
        return {"thread": None}
    found = case_messages(tenant=tenant_of(request), actor=request.user, case=case)
    return {"thread": found, "thread_post_url": post_url or reverse("backoffice:case_thread", args=[case.pk])}


def waiting_context(request: AuthedRequest) -> dict[str, Any]:
    """`threads_waiting`: the cases whose last message came from the other side (the notice on the home)."""
    if not can(request.user.role, CASE_MESSAGES):
        return {"threads_waiting": []}
    return {"threads_waiting": threads_waiting(tenant=tenant_of(request), actor=request.user)}


def post_message(request: AuthedRequest, case_id: int) -> Case:
    """Post the form's message on a case the actor reaches (else not found); the outcome as a page message."""
    tenant = tenant_of(request)
    case = case_get(tenant=tenant, actor=request.user, case_id=case_id)
    try:
        case_message_send(
            tenant=tenant, actor=request.user, case=case, body=str(request.POST.get("body", ""))
        )
    except DomainError as exc:
        if exc.code.startswith("auth."):
            raise  # refused or not found: the page answers 403/404, not a message
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Messaggio inviato."))
    return case


@require_POST
@backoffice_view
def case_thread(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = post_message(request, case_id)
    return redirect(reverse("backoffice:case_detail", args=[case.pk]) + "#messaggi")
