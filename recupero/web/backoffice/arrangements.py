"""Back-office pages of arrangements (accordi) and the debtor's public page to accept a written summary.

Thin: parse the form, call one selector or service, render. The rules live in `recupero.arrangements`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from recupero.arrangements.domain.states import KIND_LABELS, ArrangementStatus
from recupero.arrangements.selectors import (
    Draft,
    acceptance_by_token,
    arrangement_draft,
    arrangement_get,
    arrangements_pending,
    case_arrangements,
    terms_from_input,
)
from recupero.arrangements.services import (
    arrangement_approve,
    arrangement_cancel,
    arrangement_propose,
    arrangement_reject,
    summary_accept,
    summary_prepare,
)
from recupero.cases.selectors import case_get
from recupero.channels.summaries import summary_send
from recupero.core.clock import now, today
from recupero.core.domain.roles import APPROVE_ARRANGEMENTS, PROPOSE_ARRANGEMENTS, can
from recupero.core.errors import DomainError, http_status
from recupero.core.permissions import system_actor
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.web.security import client_ip
from recupero.web.templatetags.money import format_date

FIELDS = ("kind", "amount", "due", "instalments", "frequency", "first_due", "down_payment", "discount")


def _form(request: HttpRequest) -> dict[str, str]:
    return {name: str(request.POST.get(name, ""))[:40] for name in FIELDS}


def _kind_asked(request: HttpRequest) -> str:
    asked = request.GET.get("tipo", "")
    return asked if asked in {k.value for k in KIND_LABELS} else "plan"


def _page(request: AuthedRequest, case_id: int, **extra: Any) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    case = case_get(tenant=tenant, actor=user, case_id=case_id)
    context = {
        "case": case,
        "arrangements": case_arrangements(tenant=tenant, actor=user, case=case),
        "kinds": [(k.value, v) for k, v in KIND_LABELS.items()],
        "can_propose": can(user.role, PROPOSE_ARRANGEMENTS),
        "can_approve": can(user.role, APPROVE_ARRANGEMENTS),
        # the kind the collector's outcome named (?tipo=plan|settlement|promise), a plan otherwise
        "form": extra.pop("form", {"kind": _kind_asked(request), "instalments": "6", "frequency": "monthly"}),
        **extra,
    }
    return render(request, "web/arrangements/case.html", context, status=extra.get("status", 200))


@backoffice_view
def case_arrangements_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    """GET: the case's arrangements and the proposal form. POST: propose (refusals come back on the form)."""
    if request.method != "POST":
        return _page(request, case_id)
    tenant, user = tenant_of(request), request.user
    case = case_get(tenant=tenant, actor=user, case_id=case_id)
    form = _form(request)
    try:
        terms = terms_from_input(form)
        arrangement = arrangement_propose(
            tenant=tenant,
            actor=user,
            case=case,
            terms=terms,
            channel="backoffice",
            replace=request.POST.get("replace") == "1",
            note=str(request.POST.get("note", ""))[:300],
        )
    except DomainError as exc:
        return _page(request, case_id, form=form, error=exc.message, status=http_status(exc))
    messages.success(request, f"{arrangement.kind_label}: {arrangement.status_label.lower()}.")
    return redirect("backoffice:case_arrangements", case_id=case.pk)


@backoffice_view
def arrangement_preview(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The live schedule preview of the form (htmx): the instalments and the mandate's limits, nothing written."""
    tenant, user = tenant_of(request), request.user
    case = case_get(tenant=tenant, actor=user, case_id=case_id)
    draft: Draft | None = None
    error = ""
    try:
        draft = arrangement_draft(case=case, terms=terms_from_input(_form(request)), day=today())
    except DomainError as exc:
        error = exc.message
    return render(request, "web/arrangements/_preview.html", {"draft": draft, "error": error})


@backoffice_view
def arrangement_approvals(request: AuthedRequest) -> HttpResponse:
    pending = arrangements_pending(tenant=tenant_of(request), actor=request.user)
    return render(request, "web/arrangements/approvals.html", {"pending": pending})


@backoffice_view
def arrangement_detail(request: AuthedRequest, arrangement_id: int) -> HttpResponse:
    user = request.user
    arrangement = arrangement_get(tenant=tenant_of(request), actor=user, arrangement_id=arrangement_id)
    context = {
        "a": arrangement,
        "instalments": list(arrangement.instalments.all()),
        "acceptances": list(arrangement.acceptances.order_by("-id")),
        "pending": arrangement.status == ArrangementStatus.PENDING_APPROVAL,
        "open": arrangement.status in (ArrangementStatus.PENDING_APPROVAL, ArrangementStatus.ACTIVE),
        "can_approve": can(user.role, APPROVE_ARRANGEMENTS),
        "can_propose": can(user.role, PROPOSE_ARRANGEMENTS),
        "link": request.session.pop(f"summary-link-{arrangement.pk}", ""),
    }
    return render(request, "web/arrangements/detail.html", context)


@backoffice_view
@require_POST
def arrangement_signed(request: AuthedRequest, arrangement_id: int) -> HttpResponse:
    """The summary came back by post, signed: the operator records the acceptance (channel «letter», no address),
    with the same effects as the link — an acknowledgment of the debt, refused after the offer's deadline."""
    tenant, user = tenant_of(request), request.user
    arrangement = arrangement_get(tenant=tenant, actor=user, arrangement_id=arrangement_id)
    raw = str(request.POST.get("acceptance", ""))
    offer = arrangement.acceptances.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
    if offer is None:
        messages.error(request, gettext("Riepilogo non trovato."))
        return redirect("backoffice:arrangement_detail", arrangement_id=arrangement.pk)
    try:
        summary_accept(tenant=tenant, actor=user, acceptance=offer, ip=None, channel="letter")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, gettext("Copia firmata registrata: il riepilogo risulta accettato per posta.")
        )
    return redirect("backoffice:arrangement_detail", arrangement_id=arrangement.pk)


@backoffice_view
@require_POST
def arrangement_decide(request: AuthedRequest, arrangement_id: int) -> HttpResponse:
    tenant, user = tenant_of(request), request.user
    arrangement = arrangement_get(tenant=tenant, actor=user, arrangement_id=arrangement_id)
    decision, reason = request.POST.get("decision", ""), str(request.POST.get("reason", ""))[:300]
    services = {"approve": arrangement_approve, "reject": arrangement_reject, "cancel": arrangement_cancel}
    if decision not in services:
        messages.error(request, gettext("Decisione non valida."))
        return redirect("backoffice:arrangement_detail", arrangement_id=arrangement.pk)
    try:
        done = services[decision](tenant=tenant, actor=user, arrangement=arrangement, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done.kind_label}: {done.status_label.lower()}.")
    return redirect("backoffice:arrangement_detail", arrangement_id=arrangement.pk)


@backoffice_view
@require_POST
def arrangement_summary(request: AuthedRequest, arrangement_id: int) -> HttpResponse:
    """One click: prepare the written summary and queue it to the debtor by the channel chosen."""
    tenant, user = tenant_of(request), request.user
    arrangement = arrangement_get(tenant=tenant, actor=user, arrangement_id=arrangement_id)
    kind = str(request.POST.get("channel", "email"))[:10]
    try:
        offer, token = summary_prepare(tenant=tenant, actor=user, arrangement=arrangement)
        summary_send(tenant=tenant, actor=user, acceptance=offer, kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session[f"summary-link-{arrangement.pk}"] = request.build_absolute_uri(f"/accordo/{token}/")
        messages.success(
            request,
            gettext("Riepilogo in invio (%(channel)s), da accettare entro il %(deadline)s.")
            % {"channel": kind, "deadline": format_date(offer.deadline)},
        )
    return redirect("backoffice:arrangement_detail", arrangement_id=arrangement.pk)


def arrangement_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The debtor's page (no login): the agreed terms and the «Accetto» button. The token is the key."""
    offer = acceptance_by_token(token=token)
    if offer is None:
        return render(
            request,
            "404.html",
            {"message": gettext("Collegamento non valido."), "code": "auth.not_found"},
            status=404,
        )
    context: dict[str, Any] = {"offer": offer, "expired": now() > offer.deadline}
    if request.method == "POST" and offer.accepted_at is None:
        try:
            offer = summary_accept(
                tenant=offer.tenant,
                actor=system_actor(offer.tenant, "debitore"),
                acceptance=offer,
                ip=client_ip(request),
                channel="web",
            )
            context["offer"], context["done"] = offer, True
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "web/arrangements/accept.html", context, status=http_status(exc))
    return render(request, "web/arrangements/accept.html", context)
