"""What the debtor does on their page (issue 15, part 2): propose a plan or a promise, contest the debt or ask
for its verification (with documents), correct a contact, choose channels, ask for a call back.

Thin: each view reads the form, calls one service with the debtor principal (`request.debtor.actor`; the
service checks scope in one place), and shows the result on the page; a refusal comes back on the form with the
typed values and its Italian message (422). Another debtor's or creditor's case is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from recupero.arrangements.selectors import self_service_offer, terms_from_input
from recupero.arrangements.self_service import self_service_draft
from recupero.cases.domain.disputes import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, DisputeReason
from recupero.cases.models import Case
from recupero.cases.selectors import case_get
from recupero.cases.self_service import dispute_self_service
from recupero.core.clock import today
from recupero.core.errors import DomainError, http_status
from recupero.core.middleware import client_ip
from recupero.core.models import Tenant
from recupero.parties.domain.consents import REFUSABLE, REQUIRED, ContactChannel, refused_channels
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.self_service import channels_parse
from recupero.strategies.self_service import (
    debtor_arrangement,
    debtor_channels_choose,
    debtor_contact_correct,
)
from recupero.web.debtor.session import debtor_required
from recupero.worklists.domain.form import CALL_BACK_HORIZON_DAYS, CALL_BACK_SLOTS
from recupero.worklists.self_service import call_back_request

TEMPLATES = "web/debtor/actions/"

# The words the debtor reads (the desk's labels are the agency's): marked for translation here.
REASONS = {
    DisputeReason.VERIFICATION: gettext_noop("Chiedo la verifica del debito (copia di contratto e fatture)"),
    DisputeReason.ALREADY_PAID: gettext_noop("Ho già pagato"),
    DisputeReason.AMOUNT_WRONG: gettext_noop("L'importo è sbagliato"),
    DisputeReason.NOT_RECEIVED: gettext_noop("Non ho ricevuto il bene o il servizio"),
    DisputeReason.NOT_THE_DEBTOR: gettext_noop("Non sono io il debitore"),
    DisputeReason.PRESCRIBED: gettext_noop("Il credito è prescritto"),
    DisputeReason.OTHER: gettext_noop("Altro motivo"),
}
CHANNELS = {
    ContactChannel.EMAIL: gettext_noop("E-mail"),
    ContactChannel.SMS: gettext_noop("SMS"),
    ContactChannel.PHONE: gettext_noop("Telefonate"),
    ContactChannel.POST: gettext_noop("Lettere per posta"),
    ContactChannel.PEC: gettext_noop("PEC"),
}


def _case(request: HttpRequest, case_id: int) -> Case:
    access = request.debtor  # type: ignore[attr-defined]
    try:
        return case_get(tenant=Tenant.objects.get(pk=access.tenant_id), actor=access.actor, case_id=case_id)
    except DomainError as exc:  # not theirs: it does not exist for them
        raise Http404(exc.message) from exc


def _render(
    request: HttpRequest, name: str, case: Case, *, status: int = 200, **context: Any
) -> HttpResponse:
    base = {"case": case, "access": request.debtor, "agency": case.tenant}  # type: ignore[attr-defined]
    return render(request, TEMPLATES + name, {**base, **context}, status=status)


def _refused(request: HttpRequest, name: str, case: Case, exc: DomainError, **context: Any) -> HttpResponse:
    status = http_status(exc)
    return _render(request, name, case, status=422 if status >= 500 else status, error=exc.message, **context)


def _call(request: HttpRequest, action: Any, **kwargs: Any) -> Any:
    access = request.debtor  # type: ignore[attr-defined]
    return action(tenant=Tenant.objects.get(pk=access.tenant_id), actor=access.actor, **kwargs)


@debtor_required
def plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """A plan (piano di rientro) or a promise (a date to pay). POST `step=preview`: the schedule and the
    limits, nothing written; POST `step=accept`: the agreement, active at once, shown and sent."""
    case = _case(request, case_id)
    offer = self_service_offer(case=case, day=today())
    data = {
        k: request.POST.get(k, "")
        for k in ("kind", "instalments", "first_due", "down_payment", "amount", "due")
    }
    choices = list(range(1, offer.max_instalments + 1))
    context: dict[str, Any] = {"offer": offer, "form": data, "instalment_choices": choices}
    if request.method != "POST":
        context["form"] = {"kind": request.GET.get("tipo", "plan"), "instalments": str(offer.max_instalments)}
        return _render(request, "plan.html", case, **context)
    try:
        if request.POST.get("step") != "accept":
            draft, beyond = self_service_draft(case=case, terms=terms_from_input(data))
            return _render(request, "plan.html", case, draft=draft, beyond=beyond, **context)
        arrangement, sent = _call(request, debtor_arrangement, case=case, data=data, ip=client_ip(request))
    except DomainError as exc:
        return _refused(request, "plan.html", case, exc, **context)
    instalments = list(arrangement.instalments.order_by("number"))
    return _render(
        request, "plan_done.html", case, arrangement=arrangement, instalments=instalments, sent=bool(sent)
    )


def _documents(request: HttpRequest) -> list[tuple[str, bytes]]:
    """The uploaded files, each refused by its declared size before it is read into memory."""
    out = []
    for upload in request.FILES.getlist("documents")[: MAX_DOCUMENTS + 1]:
        if upload.size and upload.size > MAX_DOCUMENT_BYTES:
            raise DomainError(
                "dispute.document_too_large", name=upload.name, limit=MAX_DOCUMENT_BYTES // 2**20
            )
        out.append((upload.name or "", upload.read(MAX_DOCUMENT_BYTES + 1)))
    return out


@debtor_required
def dispute(request: HttpRequest, case_id: int) -> HttpResponse:
    """Contest the debt, or ask for its verification, with documents: the recovery pauses."""
    case = _case(request, case_id)
    reasons = [(r.value, _(label)) for r, label in REASONS.items()]
    first = request.GET.get("motivo", DisputeReason.VERIFICATION.value)
    form = {"reason": request.POST.get("reason", first), "description": request.POST.get("description", "")}
    context: dict[str, Any] = {
        "reasons": reasons,
        "form": form,
        "max_mb": MAX_DOCUMENT_BYTES // 2**20,
        "max_docs": MAX_DOCUMENTS,
    }
    if request.method != "POST":
        return _render(request, "dispute.html", case, **context)
    try:
        try:
            reason = DisputeReason(form["reason"])
        except ValueError:
            raise DomainError("dispute.bad_reason", value=form["reason"][:20]) from None
        found = _call(
            request,
            dispute_self_service,
            case=case,
            reason=reason,
            description=form["description"],
            documents=_documents(request),
        )
    except DomainError as exc:
        return _refused(request, "dispute.html", case, exc, **context)
    return _render(request, "dispute_done.html", case, dispute=found, documents=list(found.documents.all()))


CONTACT_KINDS = (
    ContactKind.ADDRESS,
    ContactKind.MOBILE,
    ContactKind.PHONE,
    ContactKind.EMAIL,
    ContactKind.PEC,
)


@debtor_required
def contact(request: HttpRequest, case_id: int) -> HttpResponse:
    """Correct an address, a phone number or an e-mail: recorded as from the debtor, to be verified."""
    case = _case(request, case_id)
    fields = ("kind", "value", "cap", "municipality", "province")
    form = {k: request.POST.get(k, "") for k in fields}
    form["kind"] = form["kind"] or request.GET.get("tipo", ContactKind.ADDRESS.value)
    context: dict[str, Any] = {"form": form, "kinds": [(k.value, _(_KIND_NAMES[k])) for k in CONTACT_KINDS]}
    if request.method != "POST":
        return _render(request, "contact.html", case, **context)
    try:
        try:
            kind = ContactKind(form["kind"])
        except ValueError:
            raise DomainError("party.bad_contact", kind=form["kind"][:10], value=form["value"][:40]) from None
        address = (
            {k: form[k] for k in ("cap", "municipality", "province")} if kind is ContactKind.ADDRESS else {}
        )
        point = _call(request, debtor_contact_correct, case=case, kind=kind, value=form["value"], **address)
    except DomainError as exc:
        return _refused(request, "contact.html", case, exc, **context)
    return _render(request, "contact_done.html", case, point=point, kind_name=_(_KIND_NAMES[kind]))


_KIND_NAMES = {
    ContactKind.ADDRESS: gettext_noop("Indirizzo di residenza o di recapito"),
    ContactKind.MOBILE: gettext_noop("Cellulare"),
    ContactKind.PHONE: gettext_noop("Telefono fisso"),
    ContactKind.EMAIL: gettext_noop("E-mail"),
    ContactKind.PEC: gettext_noop("PEC"),
}


@debtor_required
def channels(request: HttpRequest, case_id: int) -> HttpResponse:
    """Which channels the debtor accepts: e-mail, SMS and calls may be refused; letters and PEC may not."""
    case = _case(request, case_id)
    current = refused_channels(case.debtor.channels_refused)
    context: dict[str, Any] = {
        "refusable": [(c.value, _(CHANNELS[c]), c in current) for c in REFUSABLE],
        "required": [_(CHANNELS[c]) for c in sorted(REQUIRED)],
    }
    if request.method != "POST":
        return _render(request, "channels.html", case, **context)
    try:
        refused = channels_parse(request.POST.getlist("refused"))
        after = _call(request, debtor_channels_choose, case=case, refused=refused)
    except DomainError as exc:
        return _refused(request, "channels.html", case, exc, **context)
    context["refusable"] = [(c.value, _(CHANNELS[c]), c in after) for c in REFUSABLE]
    return _render(request, "channels.html", case, saved=True, **context)


def _slot(value: str) -> tuple[dt.time, dt.time]:
    for start, end in CALL_BACK_SLOTS:
        if value == f"{start:%H:%M}-{end:%H:%M}":
            return start, end
    raise DomainError("debtor.bad_window", start="08:30", end="21:00")


@debtor_required
def call_back(request: HttpRequest, case_id: int) -> HttpResponse:
    """Ask to be called back on a day and in a time slot: a call on the collector's desk."""
    case = _case(request, case_id)
    day = today()
    days = [day + dt.timedelta(days=n) for n in range(1, CALL_BACK_HORIZON_DAYS + 1)]
    slots = [f"{a:%H:%M}-{b:%H:%M}" for a, b in CALL_BACK_SLOTS]
    form = {k: request.POST.get(k, "") for k in ("on", "slot", "note")}
    context: dict[str, Any] = {"days": days, "slots": slots, "form": form}
    if request.method != "POST":
        return _render(request, "call_back.html", case, **context)
    try:
        try:
            on = dt.date.fromisoformat(form["on"])
        except ValueError:
            raise DomainError("debtor.bad_window", start="08:30", end="21:00") from None
        start, end = _slot(form["slot"])
        item = _call(request, call_back_request, case=case, on=on, start=start, end=end, note=form["note"])
    except DomainError as exc:
        return _refused(request, "call_back.html", case, exc, **context)
    return _render(request, "call_back_done.html", case, item=item)
