"""Back-office pages of the work queues: calls (collectors), home visits (field agents), skip tracing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from recupero.core.errors import DomainError
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.worklists.domain.items import OUTCOME_LABELS, OUTCOMES, ItemKind, Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.selectors import call_queue, item_get, skip_trace_queue, visit_queue
from recupero.worklists.services import work_item_complete

PAGES = {
    ItemKind.CALL: ("Telefonate di oggi", "backoffice:call_queue"),
    ItemKind.VISIT: ("Visite domiciliari", "backoffice:visit_queue"),
    ItemKind.SKIP_TRACE: ("Rintracci", "backoffice:skip_trace_queue"),
}


def _render(request: AuthedRequest, kind: ItemKind, items: list[WorkItem]) -> HttpResponse:
    outcomes = [(o.value, OUTCOME_LABELS[o]) for o in OUTCOMES[kind]]
    title, url = PAGES[kind]
    return render(
        request,
        "web/worklists/queue.html",
        {"items": items, "kind": kind.value, "title": title, "outcomes": outcomes, "back": url},
    )


@backoffice_view
def call_queue_view(request: AuthedRequest) -> HttpResponse:
    now = timezone.localtime()
    items = call_queue(
        tenant=tenant_of(request), actor=request.user, today=now.date(), at=now.time().replace(microsecond=0)
    )
    return _render(request, ItemKind.CALL, items)


@backoffice_view
def visit_queue_view(request: AuthedRequest) -> HttpResponse:
    items = visit_queue(tenant=tenant_of(request), actor=request.user, today=timezone.localdate())
    return _render(request, ItemKind.VISIT, items)


@backoffice_view
def skip_trace_view(request: AuthedRequest) -> HttpResponse:
    items = skip_trace_queue(tenant=tenant_of(request), actor=request.user, today=timezone.localdate())
    return _render(request, ItemKind.SKIP_TRACE, items)


@backoffice_view
@require_POST
def work_item_outcome(request: AuthedRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = item_get(tenant=tenant_of(request), actor=user, item_id=item_id)
    back = PAGES[ItemKind(item.kind)][1]
    try:
        outcome = Outcome(request.POST.get("outcome", ""))
    except ValueError:
        messages.error(request, "Esito non valido.")
        return redirect(back)
    data = {"amount": request.POST.get("amount", ""), "date": request.POST.get("date", "")}
    if outcome is Outcome.CALL_BACK and data["date"]:
        dt.date.fromisoformat(data["date"])
    try:
        work_item_complete(
            tenant=tenant_of(request),
            actor=user,
            item=item,
            outcome=outcome,
            data=data,
            note=request.POST.get("note", "")[:300],
        )
        messages.success(request, f"{item.case.code}: {OUTCOME_LABELS[outcome]}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)
