"""Back-office pages of the work queues: calls (collectors), home visits (field agents), skip tracing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from recupero.core.clock import ROME, now
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.errors import DomainError, http_status
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.worklists.domain.items import AGREEMENTS, OUTCOME_LABELS, OUTCOMES, ItemKind, Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.selectors import call_queue, item_get, skip_trace_queue, visit_queue
from recupero.worklists.services import work_item_complete

DESK_BACKS = {"mia": "backoffice:my_queue", "giornata": "backoffice:visit_day"}
PAGES = {
    ItemKind.CALL: (gettext_lazy("Telefonate di oggi"), "backoffice:call_queue"),
    ItemKind.VISIT: (gettext_lazy("Visite domiciliari"), "backoffice:visit_queue"),
    ItemKind.SKIP_TRACE: (gettext_lazy("Rintracci"), "backoffice:skip_trace_queue"),
    # the same desk, same page: ?tipo=verifiche (no new address, no new menu entry)
    ItemKind.VERIFY_DATA: (gettext_lazy("Verifiche anagrafiche"), "backoffice:skip_trace_queue"),
}
VERIFY_QUERY = "verifiche"


def _render(
    request: AuthedRequest,
    kind: ItemKind,
    items: list[WorkItem],
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    outcomes = [(o.value, OUTCOME_LABELS[o]) for o in OUTCOMES[kind]]
    title, url = PAGES[kind]
    if failed:
        failed["shown"] = any(i.pk == failed["item"] for i in items)
    context = {
        "items": items,
        "kind": kind.value,
        "title": title,
        "outcomes": outcomes,
        "back": url,
        "failed": failed or {},
        "desk": kind in (ItemKind.SKIP_TRACE, ItemKind.VERIFY_DATA),
        "verify": kind is ItemKind.VERIFY_DATA,
    }
    return render(request, "web/worklists/queue.html", context, status=status)


def _queue(request: AuthedRequest, kind: ItemKind) -> list[WorkItem]:
    moment = timezone.localtime(now(), ROME)
    tenant, user = tenant_of(request), request.user
    if kind is ItemKind.CALL:
        at = moment.time().replace(microsecond=0)
        return call_queue(tenant=tenant, actor=user, today=moment.date(), at=at)
    if kind is ItemKind.VISIT:
        return visit_queue(tenant=tenant, actor=user, today=moment.date())
    return skip_trace_queue(tenant=tenant, actor=user, today=moment.date(), kind=kind)


@backoffice_view
def call_queue_view(request: AuthedRequest) -> HttpResponse:
    return _render(request, ItemKind.CALL, _queue(request, ItemKind.CALL))


@backoffice_view
def visit_queue_view(request: AuthedRequest) -> HttpResponse:
    return _render(request, ItemKind.VISIT, _queue(request, ItemKind.VISIT))


@backoffice_view
def skip_trace_view(request: AuthedRequest) -> HttpResponse:
    kind = ItemKind.VERIFY_DATA if request.GET.get("tipo") == VERIFY_QUERY else ItemKind.SKIP_TRACE
    return _render(request, kind, _queue(request, kind))


@backoffice_view
@require_POST
def work_item_outcome(request: AuthedRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = item_get(tenant=tenant_of(request), actor=user, item_id=item_id)
    back: str = reverse(PAGES[ItemKind(item.kind)][1])
    if item.kind == ItemKind.VERIFY_DATA:
        back += f"?tipo={VERIFY_QUERY}"
    desk_back = DESK_BACKS.get(request.POST.get("back", ""))  # the desk's item page or the field agent's day
    if desk_back:
        back = desk_back
    try:
        outcome = Outcome(request.POST.get("outcome", ""))
    except ValueError:
        messages.error(request, gettext("Esito non valido."))
        return redirect(back)
    fields = ("amount", "date", "time", "contact_id", "reason")
    data = {name: request.POST.get(name, "")[:40] for name in fields}
    note = request.POST.get("note", "")[:300]
    try:
        work_item_complete(
            tenant=tenant_of(request), actor=user, item=item, outcome=outcome, data=data, note=note
        )
    except DomainError as exc:
        if desk_back:  # the desk's pages show the message above the same form
            messages.error(request, exc.message)
            return (
                redirect("backoffice:work_item", item_id=item.pk)
                if desk_back.endswith("my_queue")
                else redirect(back)
            )
        # The form comes back with the message at its field and what was typed, never a blank form.
        failed = {"item": item.pk, "outcome": outcome.value, "note": note, **data}
        failed |= {"field": exc.params.get("field", ""), "message": exc.message, "code": exc.code}
        kind = ItemKind(item.kind)
        return _render(request, kind, _queue(request, kind), failed=failed, status=http_status(exc))
    messages.success(request, f"{item.case.code}: {OUTCOME_LABELS[outcome]}.")
    if outcome in AGREEMENTS:  # the agreement's terms next, on the case's arrangements page
        target = reverse("backoffice:case_arrangements", args=[item.case_id])
        return redirect(f"{target}?tipo={AGREEMENTS[outcome]}")
    return redirect(back)
