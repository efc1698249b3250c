"""The verification pack of a case (fascicolo di verifica del debito): gathered from the database, rendered by
`documents.pack`, downloaded from the case page or sent to the debtor's PEC box.

What it says is what the case page says: the claims as the intake kept them, the statement and the interest
prospetto from the law engine (`ledger.position.case_position`), every communication with its receipts, the
dispute and its decision. The PEC that carries it is an ordinary `Communication` (kind `pec`, template
`verification_pack`): claimed before the provider is called, so it is never sent twice, and its receipts are
matched and recorded by `services.pec_ingest` like any other PEC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from recupero.arrangements.domain.states import KIND_LABELS as ARRANGEMENT_KINDS
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.models import Acceptance
from recupero.cases.domain.disputes import REASON_LABELS, STATUS_LABELS, DisputeReason, DisputeStatus
from recupero.cases.models import Case, Dispute
from recupero.cases.selectors import case_claims, claim_documents
from recupero.cases.services import timeline_append
from recupero.channels.documents.pack import (
    PackAcceptance,
    PackClaim,
    PackCommunication,
    PackData,
    PackInterestRow,
    PackOriginal,
    render_pack,
)
from recupero.channels.domain.errors import LetterError
from recupero.channels.domain.states import KIND_LABELS, LABELS, CommKind, CommStatus, can_transition
from recupero.channels.models import Communication, CommunicationEvidence
from recupero.channels.providers.base import Attachment, Message
from recupero.channels.providers.registry import provider_for
from recupero.core.clock import now, today
from recupero.core.domain.roles import SEND_COMMUNICATIONS, VIEW_DOCUMENTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.law.errors import LawError
from recupero.ledger.position import case_position
from recupero.parties.models import ContactPoint

TEMPLATE = "verification_pack"
USABLE = ("valid", "unverified")
ZERO = Decimal("0.00")


def _communications(case: Case) -> tuple[PackCommunication, ...]:
    comms = list(
        Communication.objects.filter(tenant_id=case.tenant_id, case=case)
        .exclude(template=TEMPLATE)
        .order_by("scheduled_for", "id")
    )
    evidence: dict[int, list[str]] = {}
    rows = CommunicationEvidence.objects.filter(tenant_id=case.tenant_id, communication__in=comms)
    for e in rows.order_by("received_at", "id"):
        label = f"{e.kind} ricevuta il {e.received_at:%d/%m/%Y}" + (
            f" (SHA-256 {e.sha256[:16]}…)" if e.sha256 else ""
        )
        evidence.setdefault(e.communication_id, []).append(label)
    return tuple(
        PackCommunication(
            kind=KIND_LABELS[CommKind(c.kind)],
            template=c.template,
            address=c.address,
            status=LABELS[CommStatus(c.status)],
            sent_at=c.sent_at,
            accepted_at=c.accepted_at,
            delivered_at=c.delivered_at,
            held_on=c.held_on,
            returned_on=c.returned_on,
            tracking_number=c.tracking_number,
            evidence=tuple(evidence.get(c.pk, ())),
        )
        for c in comms
    )


def _dispute(case: Case) -> dict[str, str]:
    d = Dispute.objects.filter(tenant_id=case.tenant_id, case=case).order_by("-opened_on", "-id").first()
    if d is None:
        return {}
    return {
        "reason": REASON_LABELS[DisputeReason(d.reason)] + (f" – {d.description}" if d.description else ""),
        "opened_on": f"{d.opened_on:%d/%m/%Y}",
        "status": STATUS_LABELS[DisputeStatus(d.status)],
        "decision": d.decision_reason or f"da decidere entro il {d.deadline:%d/%m/%Y}",
    }


def _originals(case: Case) -> tuple[PackOriginal, ...]:
    """Each claim's original FatturaPA, as the intake handed it to the cases app (`cases.documents`)."""
    return tuple(
        PackOriginal(doc.claim.invoice_number, doc.name, doc.body_index, doc.sha256, doc.view)
        for doc in claim_documents(case=case)
    )


def pack_data(case: Case, on: dt.date) -> PackData:
    """Everything the pack prints, for a case reached through a scoped look-up (a read, like a selector)."""
    claims = case_claims(case=case)
    try:
        position = case_position(case=case, today=on)
    except LawError as exc:
        raise DomainError("letter.render_failed", exc.message) from exc
    rows = tuple(
        PackInterestRow(
            cp.claim.invoice_number, r["dal"], r["al"], r["giorni"], r["tasso"], r["capitale"], r["interessi"]
        )
        for cp in position.claims
        for r in cp.rows
    )
    principal = sum((c.amount for c in claims), ZERO)
    reductions = (
        principal + position.interest + position.flat_compensation + position.costs - position.total_due
    )
    debtor, creditor = case.debtor, case.creditor
    return PackData(
        agency=case.tenant.name,
        agency_address=case.tenant.address,
        creditor=creditor.name,
        creditor_vat=creditor.vat_number,
        case_code=case.code,
        debtor=debtor.display_name,
        debtor_tax_code=debtor.tax_code or debtor.vat_number,
        assignment_code=case.assignment.code,
        assignment_received_on=case.assignment.received_on,
        creditor_reference=case.creditor_reference,
        on=on,
        claims=tuple(
            PackClaim(
                c.invoice_number,
                c.issued_on,
                c.due_on,
                c.amount,
                c.description,
                c.supply_reference,
                c.sdi_delivered_on,
            )
            for c in claims
        ),
        principal=principal,
        interest=position.interest,
        flat_compensation=position.flat_compensation,
        costs=position.costs,
        payments=max(reductions, ZERO),
        total_due=position.total_due,
        interest_rows=rows,
        readings=tuple(position.readings),
        rate_warning=position.rate_warning,
        communications=_communications(case),
        dispute=_dispute(case),
        acceptances=_acceptances(case),
        originals=_originals(case),
    )


def pack_pdf(*, tenant: Tenant, actor: User, case: Case) -> bytes:
    """The pack of a case the actor reached through `case_get`, as a PDF (a read: channels.view_documents)."""
    require_case(actor, VIEW_DOCUMENTS, case)
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    try:
        return render_pack(pack_data(case, today()))
    except LetterError as exc:
        raise DomainError("letter.render_failed", exc.message) from exc


@service(SEND_COMMUNICATIONS)
def pack_send(*, tenant: Tenant, actor: User, case: Case, note: str = "") -> Communication:
    """Send the pack to the debtor's PEC box. At most once per case and day (the idempotency key); the PEC is
    claimed before the provider is called (never sent twice) and its receipts come back through pec_ingest."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, SEND_COMMUNICATIONS, case)
    points = ContactPoint.objects.filter(
        tenant=tenant, debtor_id=case.debtor_id, kind="pec", status__in=USABLE
    )
    point = points.filter(status="valid").first() or points.first()  # a verified box before an unverified one
    if point is None:
        raise DomainError("desk.no_address", channel="PEC")
    pdf = pack_pdf(tenant=tenant, actor=actor, case=case)
    day = today()
    with transaction.atomic():
        comm, created = Communication.objects.get_or_create(
            idempotency_key=f"pack:{case.pk}:{day.isoformat()}",
            defaults={
                "tenant": tenant,
                "case": case,
                "kind": CommKind.PEC.value,
                "template": TEMPLATE,
                "action": "verification_pack",
                "contact": point,
                "address": point.value,
                "status": CommStatus.QUEUED.value,
                "scheduled_for": day,
            },
        )
        audit_record(
            tenant=tenant, actor=actor, action="pack.send", obj=case, details={"communication": comm.pk}
        )
    if not created or comm.status != CommStatus.QUEUED:
        return comm  # already sent today: never twice
    comm.document.save(
        f"{tenant.pk}/{day:%Y/%m}/{case.code}-fascicolo-{comm.pk}.pdf", ContentFile(pdf), save=False
    )
    assert can_transition(CommStatus.QUEUED, CommStatus.RENDERED)
    if not Communication.objects.filter(pk=comm.pk, status=CommStatus.QUEUED).update(
        status=CommStatus.RENDERED.value, document=comm.document.name, updated_at=now()
    ):
        return comm
    body = (
        f"Gentile {case.debtor.display_name},\n\nin allegato il fascicolo di verifica del debito relativo alla "
        f"pratica {case.code} per conto di {case.creditor.name}: le fatture, l'estratto conto con il prospetto "
        f"degli interessi e le comunicazioni inviate con le prove di consegna.\n\n"
        + (f"{note}\n\n" if note else "")
        + f"Cordiali saluti\n{tenant.name}"
    )
    message = Message(
        "pec",
        point.value,
        body,
        f"Verifica del debito – pratica {case.code}",
        comm.idempotency_key,
        (Attachment(f"{case.code}-fascicolo.pdf", pdf),),
    )
    result = provider_for("pec").send(message)
    return _record(actor, comm, result.ok, result.message_id, result.provider, result.error, result.status)


def _record(
    actor: User, comm: Communication, ok: bool, message_id: str, provider: str, error: str, status: str
) -> Communication:
    target = CommStatus.SENT if ok else CommStatus.FAILED
    assert can_transition(CommStatus.RENDERED, target)
    with transaction.atomic():
        fields = {"status": target.value, "provider": provider, "updated_at": now()}
        if ok:
            fields |= {"sent_at": now(), "provider_message_id": message_id}
            if status == "accepted" and can_transition(CommStatus.SENT, CommStatus.ACCEPTED):
                fields |= {"status": CommStatus.ACCEPTED.value, "accepted_at": now()}
        else:
            fields["error"] = error[:300]
        Communication.objects.filter(pk=comm.pk).update(**fields)
        comm.refresh_from_db()
        summary = (
            f"PEC «fascicolo di verifica del debito» inviata a {comm.address}"
            if ok
            else f"PEC «fascicolo di verifica del debito» non inviata: {error[:200]}"
        )
        timeline_append(
            tenant=comm.tenant,
            actor=actor,
            case=comm.case,
            kind=f"communication.{comm.status}",
            summary=summary,
            data={"communication": comm.pk, "kind": comm.kind, "template": TEMPLATE, "status": comm.status},
        )
    return comm


def _acceptances(case: Case) -> tuple[PackAcceptance, ...]:
    rows = (
        Acceptance.objects.filter(tenant_id=case.tenant_id, arrangement__case=case, accepted_at__isnull=False)
        .select_related("arrangement")
        .order_by("accepted_at")
    )
    return tuple(
        PackAcceptance(
            ARRANGEMENT_KINDS.get(Kind(a.arrangement.kind), a.arrangement.kind),
            a.accepted_at,
            a.accepted_channel,
            a.accepted_ip or "",
            a.text_sha256,
        )
        for a in rows
        if a.accepted_at is not None
    )
