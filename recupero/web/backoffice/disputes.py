"""Back-office actions on a case from its page: disputes (open, documents, decision), the verification pack
(download, send by PEC), an ad-hoc message with a template. Thin: parse, call one service, redirect."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from recupero.cases.domain.disputes import (
    CONTENT_TYPES,
    MAX_DOCUMENT_BYTES,
    REASON_LABELS,
    DisputeReason,
    DisputeStatus,
)
from recupero.cases.models import Case, Dispute
from recupero.cases.selectors import case_disputes, case_get, dispute_document_get
from recupero.cases.services import dispute_document_add, dispute_open, dispute_withdraw
from recupero.channels.domain.states import KIND_LABELS, CommKind
from recupero.channels.packs import pack_pdf, pack_send
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy, translate
from recupero.core.domain.roles import DECIDE_DISPUTES, EDIT_CASES, SEND_COMMUNICATIONS, VIEW_DOCUMENTS, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.strategies.desk import ADHOC_TEMPLATES, dispute_decide, message_adhoc
from recupero.web.errors import AuthedRequest, backoffice_view, tenant_of
from recupero.worklists.domain.form import FormError, parse_date

TEMPLATE_LABELS = {
    "reminder_1": gettext_lazy("Prima lettera di sollecito"),
    "reminder_2": gettext_lazy("Seconda lettera di sollecito"),
    "formal_demand": gettext_lazy("Diffida e messa in mora"),
    "formal_demand_b2b": gettext_lazy("Diffida e messa in mora (imprese)"),
    "reminder_soft": gettext_lazy("Promemoria"),
    "courtesy": gettext_lazy("Sollecito di cortesia"),
}


@dataclass
class CaseDesk:
    """What the case page shows of disputes, the pack and ad-hoc messages, and which forms the role gets."""

    disputes: list[Dispute]
    open_dispute: Dispute | None
    reasons: list[tuple[str, str]]
    can_open: bool
    can_decide: bool
    can_send: bool
    can_pack: bool
    channels: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


def case_desk(*, tenant: Tenant, actor: User, case: Case) -> CaseDesk:
    """For a case reached through `case_get` (scoped)."""
    disputes = case_disputes(case=case)
    return CaseDesk(
        disputes=disputes,
        open_dispute=next((d for d in disputes if d.status == DisputeStatus.OPEN), None),
        reasons=[(r.value, label) for r, label in REASON_LABELS.items()],
        can_open=can(actor.role, EDIT_CASES),
        can_decide=can(actor.role, DECIDE_DISPUTES),
        can_send=can(actor.role, SEND_COMMUNICATIONS),
        can_pack=can(actor.role, VIEW_DOCUMENTS),
        channels=[
            (kind, KIND_LABELS[CommKind(kind)], [(t, TEMPLATE_LABELS.get(t, t)) for t in templates])
            for kind, templates in ADHOC_TEMPLATES.items()
        ],
    )


def _back(case_id: int) -> HttpResponse:
    return redirect("backoffice:case_detail", case_id=case_id)


def _case(request: AuthedRequest, case_id: int) -> Case:
    return case_get(tenant=tenant_of(request), actor=request.user, case_id=case_id)


def _open_dispute(case: Case) -> Dispute:
    found = Dispute.objects.filter(tenant_id=case.tenant_id, case=case, status=DisputeStatus.OPEN).first()
    if found is None:
        raise DomainError("dispute.closed")
    found.case = case
    return found


def _done(request: AuthedRequest, case_id: int, action: object) -> HttpResponse:
    """Run `action`; a refusal comes back as the page's message (the form stays as it was)."""
    try:
        message = action() if callable(action) else ""
    except DomainError as exc:
        if exc.code == "auth.not_found":
            raise
        messages.error(request, exc.message)
    else:
        if message:
            messages.success(request, str(message))
    return _back(case_id)


@backoffice_view
@require_POST
def dispute_open_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act() -> str:
        try:
            reason = DisputeReason(request.POST.get("reason", ""))
        except ValueError:
            raise DomainError("dispute.bad_reason", value=request.POST.get("reason", "")[:40]) from None
        deadline = None
        if request.POST.get("deadline", "").strip():
            try:
                deadline = parse_date(request.POST["deadline"], field="deadline")
            except FormError as exc:
                raise DomainError(exc.code, value=exc.value) from None
        dispute_open(
            tenant=tenant_of(request),
            actor=request.user,
            case=case,
            reason=reason,
            description=request.POST.get("description", "")[:2000],
            channel=request.POST.get("channel", "")[:20],
            deadline=deadline,
        )
        return gettext("Contestazione registrata: la pratica è sospesa fino alla decisione.")

    return _done(request, case.pk, act)


@backoffice_view
@require_POST
def dispute_document_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act() -> str:
        upload = request.FILES.get("document")
        if upload is None:
            raise DomainError("dispute.document_empty", name="")
        if upload.size and upload.size > MAX_DOCUMENT_BYTES:  # refused before reading it into memory
            raise DomainError(
                "dispute.document_too_large", name=upload.name, limit=MAX_DOCUMENT_BYTES // 2**20
            )
        content = upload.read(MAX_DOCUMENT_BYTES + 1)
        doc = dispute_document_add(
            tenant=tenant_of(request),
            actor=request.user,
            dispute=_open_dispute(case),
            name=upload.name or "",
            content=content,
        )
        return f"Documento «{doc.name}» allegato."

    return _done(request, case.pk, act)


@backoffice_view
@require_POST
def dispute_decide_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act() -> str:
        dispute = _open_dispute(case)
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "")[:4000]
        if decision == "withdrawn":
            dispute_withdraw(tenant=tenant_of(request), actor=request.user, dispute=dispute, note=reason)
            return gettext("Contestazione ritirata: la pratica torna in lavorazione.")
        if decision not in ("upheld", "rejected"):
            raise DomainError("dispute.bad_transition", source=gettext("Aperta"), target=decision[:20] or "?")
        dispute_decide(
            tenant=tenant_of(request),
            actor=request.user,
            dispute=dispute,
            upheld=decision == "upheld",
            reason=reason,
            reduction=request.POST.get("reduction", "")[:20] or None,
        )
        return (
            gettext("Contestazione accolta.")
            if decision == "upheld"
            else gettext("Contestazione respinta: risposta registrata.")
        )

    return _done(request, case.pk, act)


@backoffice_view
def dispute_document_download(request: AuthedRequest, case_id: int, document_id: int) -> HttpResponse:
    case = _case(request, case_id)
    doc = dispute_document_get(tenant=tenant_of(request), actor=request.user, document_id=document_id)
    if doc.dispute.case_id != case.pk:
        raise DomainError("auth.not_found")
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        doc.file.open("rb"), content_type=CONTENT_TYPES[doc.kind], filename=f"{case.code}-{doc.pk}.{doc.kind}"
    )
    return response


@backoffice_view
def pack_download(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    pdf = pack_pdf(tenant=tenant_of(request), actor=request.user, case=case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.code}-fascicolo-{today():%Y%m%d}.pdf"'
    return response


@backoffice_view
@require_POST
def pack_send_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act() -> str:
        comm = pack_send(tenant=tenant_of(request), actor=request.user, case=case)
        return (
            gettext("Fascicolo inviato via PEC a %(address)s.") % {"address": comm.address}
            if comm.status != "failed"
            else gettext("PEC non inviata: %(error)s") % {"error": comm.error}
        )

    return _done(request, case.pk, act)


@backoffice_view
@require_POST
def message_view(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)

    def act() -> str:
        kind, template = request.POST.get("kind", ""), request.POST.get("template", "")
        message_adhoc(
            tenant=tenant_of(request), actor=request.user, case=case, kind=kind[:12], template=template[:40]
        )
        return gettext("%(kind)s «%(template)s» in coda di invio.") % {
            "kind": translate(KIND_LABELS.get(CommKind(kind), kind)),
            "template": translate(TEMPLATE_LABELS.get(template, template)),
        }

    return _done(request, case.pk, act)
