"""Every write on assignments, cases, claims and the case timeline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from recupero.cases.bulk import next_case_seqs
from recupero.cases.domain.claims import ClaimType, check_amount, check_dates
from recupero.cases.domain.codes import case_code
from recupero.cases.domain.disputes import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    REASON_LABELS,
    DisputeReason,
    DisputeStatus,
    default_deadline,
    document_kind,
)
from recupero.cases.domain.disputes import STATUS_LABELS as DISPUTE_STATUS_LABELS
from recupero.cases.domain.disputes import can_transition as dispute_can_transition
from recupero.cases.domain.search import invoice_number_keys
from recupero.cases.domain.states import LABELS, OPEN_STATUSES, CaseStatus, can_transition
from recupero.cases.domain.timeline import opened_summary
from recupero.cases.models import Assignment, Case, Claim, Dispute, DisputeDocument, TimelineEvent
from recupero.core.clock import now, today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import COMMIT_IMPORTS, EDIT_CASES, RECORD_RECEIPTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import actor_capability, require_case, require_creditor, service
from recupero.core.services import audit_record
from recupero.law.money import format_eur
from recupero.parties.models import Creditor, Debtor


@dataclass(frozen=True)
class ClaimInput:
    invoice_number: str
    issued_on: dt.date
    amount: Decimal | str
    due_on: dt.date | None = None
    description: str = ""
    supply_reference: str = ""
    sdi_delivered_on: dt.date | None = None


def timeline_append(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> TimelineEvent:
    """Append one event to the case's history. Every app records what it did to a case through here.

    A building block of other services (which checked the actor and the case): not a service of its own."""
    return TimelineEvent.objects.create(
        tenant=tenant,
        case=case,
        at=at or now(),
        kind=kind,
        actor=actor if actor and actor.pk else None,
        summary=summary,
        data=data or {},
    )


@service(COMMIT_IMPORTS)
@transaction.atomic
def assignment_create(
    *,
    tenant: Tenant,
    actor: User,
    creditor: Creditor,
    code: str,
    received_on: dt.date,
    return_on: dt.date | None = None,
) -> Assignment:
    if creditor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_creditor(actor, COMMIT_IMPORTS, creditor.pk, tenant.pk)
    assignment = Assignment.objects.create(
        tenant=tenant, creditor=creditor, code=code, received_on=received_on, return_on=return_on
    )
    audit_record(tenant=tenant, actor=actor, action="assignment.create", obj=assignment)
    return assignment


def _validated_claims(claims: list[ClaimInput]) -> list[tuple[ClaimInput, Decimal]]:
    out = []
    for claim in claims:
        amount, error = check_amount(claim.amount)
        if error:
            raise DomainError(error, value=claim.amount)
        date_error = check_dates(claim.issued_on, claim.due_on)
        if date_error:
            raise DomainError(date_error, due=claim.due_on, issued=claim.issued_on)
        assert amount is not None
        out.append((claim, amount))
    return out


def _claims_create(tenant: Tenant, case: Case, checked: list[tuple[ClaimInput, Decimal]]) -> None:
    """The claims of a case being opened (their number keys as `cases.bulk.number_key_columns` computes them)."""
    Claim.objects.bulk_create(
        Claim(
            tenant=tenant,
            case=case,
            invoice_number=c.invoice_number,
            number_head=(keys := invoice_number_keys(c.invoice_number))[0],
            number_tail=keys[1],
            issued_on=c.issued_on,
            due_on=c.due_on,
            amount=amount,
            description=c.description,
            supply_reference=c.supply_reference,
            sdi_delivered_on=c.sdi_delivered_on,
        )
        for c, amount in checked
    )


@service(COMMIT_IMPORTS)
@transaction.atomic
def case_open(
    *,
    tenant: Tenant,
    actor: User,
    creditor: Creditor,
    assignment: Assignment,
    debtor: Debtor,
    creditor_reference: str,
    claim_type: ClaimType,
    commercial: bool,
    claims: list[ClaimInput],
    opened_on: dt.date,
    province: str = "",
    contract_date: dt.date | None = None,
) -> Case:
    """Open a case with its claims. The opening ledger entries are posted by `ledger.services.opening_post`."""
    require_creditor(actor, COMMIT_IMPORTS, creditor.pk, tenant.pk)
    if (
        tenant.pk not in (creditor.tenant_id, assignment.tenant_id, debtor.tenant_id)
        or len({creditor.tenant_id, assignment.tenant_id, debtor.tenant_id}) != 1
    ):
        raise DomainError("tenant.mismatch")
    if assignment.creditor_id != creditor.pk:
        raise DomainError("case.assignment_creditor_mismatch", assignment=assignment.code)
    if not claims:
        raise DomainError("case.bad_amount", value="0")
    checked = _validated_claims(claims)
    if Case.objects.filter(tenant=tenant, creditor=creditor, creditor_reference=creditor_reference).exists():
        raise DomainError("case.duplicate_code", value=creditor_reference)
    seq = next_case_seqs(tenant)[0]
    dues = [c.due_on for c, _ in checked if c.due_on]
    case = Case.objects.create(
        tenant=tenant,
        seq=seq,
        code=case_code(seq),
        creditor=creditor,
        assignment=assignment,
        debtor=debtor,
        creditor_reference=creditor_reference,
        claim_type=claim_type.value,
        commercial=commercial,
        contract_date=contract_date,
        opened_on=opened_on,
        first_due_on=min(dues) if dues else None,
        province=province,
        original_amount=sum((a for _, a in checked), Decimal("0.00")),
    )
    _claims_create(tenant, case, checked)
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="case.opened",
        summary=opened_summary(len(checked), format_eur(case.original_amount)),
        data={"assignment": assignment.code, "amount": str(case.original_amount)},
    )
    audit_record(tenant=tenant, actor=actor, action="case.open", obj=case)
    return case


@service(EDIT_CASES, RECORD_RECEIPTS)
def case_transition(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    target: CaseStatus,
    reason: str = "",
    on: dt.date | None = None,
) -> Case:
    """Move a case to another status through the transition table; refused moves change nothing."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, actor_capability(actor, (EDIT_CASES, RECORD_RECEIPTS)), case)
    return case_move(tenant=tenant, actor=actor, case=case, target=target, reason=reason, on=on)


@transaction.atomic
def case_move(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    target: CaseStatus,
    reason: str = "",
    on: dt.date | None = None,
) -> Case:
    """`case_transition` for another service that has checked its own actor on this case (a visit report moves
    the case for a field agent, who may not move cases by hand): a building block, not a service."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_transition(case.status, target):
        raise DomainError(
            "case.bad_transition", source=LABELS[CaseStatus(case.status)], target=LABELS[target]
        )
    source = case.status
    case.status = target.value
    if target in (CaseStatus.CLOSED, CaseStatus.RETURNED, CaseStatus.PAID):
        case.closed_on = on or today()
    elif target in OPEN_STATUSES:  # reopened (a reversed payment): no longer closed
        case.closed_on = None
    case.save(update_fields=["status", "closed_on"])
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="case.status",
        summary=f"Stato: {LABELS[CaseStatus(source)]} → {LABELS[target]}"
        + (f" ({reason})" if reason else ""),
        data={"from": source, "to": target.value, "reason": reason},
    )
    audit_record(tenant=tenant, actor=actor, action="case.transition", obj=case, details={"to": target.value})
    return case


def case_set_balance(*, case: Case, balance: Decimal) -> None:
    """Refresh the cached total due; only the ledger calls this, with a figure it derived from its entries."""
    Case.objects.filter(pk=case.pk).update(balance=balance)
    case.balance = balance


PRESCRIPTION_EVENT_LABELS = {
    "pec_delivered": gettext_lazy("PEC consegnata (ricevuta di avvenuta consegna)"),
    "demand_received": gettext_lazy("Messa in mora ricevuta"),
    "registered_delivered": gettext_lazy("Raccomandata A/R consegnata"),
    "registered_held_notice": gettext_lazy("Raccomandata non ritirata: avviso di giacenza"),
    "acknowledgment": gettext_lazy("Riconoscimento del debito"),
    "final_judgment": gettext_lazy("Titolo giudiziale definitivo"),
}


@service(RECORD_RECEIPTS, EDIT_CASES)
@transaction.atomic
def prescription_event_record(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    kind: str,
    when: dt.date | dt.datetime,
    evidence: str = "",
) -> TimelineEvent:
    """Record an act that may interrupt prescription (a demand received, an acknowledgment…).

    `when` is a date, or for a PEC delivery the aware date-time of the receipt (read later in Italian time).
    Whether it interrupts is decided by the law engine when the position is computed, not here."""
    require_case(actor, actor_capability(actor, (RECORD_RECEIPTS, EDIT_CASES)), case)
    return prescription_event_append(
        tenant=tenant, actor=actor, case=case, kind=kind, when=when, evidence=evidence
    )


def prescription_event_append(
    *, tenant: Tenant, actor: User, case: Case, kind: str, when: dt.date | dt.datetime, evidence: str = ""
) -> TimelineEvent:
    """`prescription_event_record` for a service that checked its own actor on the case (the debtor accepting
    a plan on their page acknowledges the debt): the event on the timeline and its audit row."""
    if kind not in PRESCRIPTION_EVENT_LABELS:
        raise DomainError("case.bad_event", value=kind)
    if isinstance(when, dt.datetime) and when.tzinfo is None:
        raise DomainError("case.bad_event", value=when.isoformat())
    event = timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="prescription.event",
        summary=f"{PRESCRIPTION_EVENT_LABELS[kind]} il {when:%d/%m/%Y}",
        data={"event": kind, "when": when.isoformat(), "evidence": evidence},
    )
    audit_record(
        tenant=tenant, actor=actor, action="case.prescription_event", obj=case, details={"kind": kind}
    )
    return event


@service(COMMIT_IMPORTS)
@transaction.atomic
def assignment_return_cases(
    *, tenant: Tenant, actor: User, assignment: Assignment, on: dt.date, reason: str
) -> list[tuple[int, str]]:
    """Hand back an assignment (rientro): every case whose status may move to `returned` (transition table) does,
    set-based, with one timeline event each; the assignment is marked returned. Returns (case id, old status)."""
    if assignment.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_creditor(actor, COMMIT_IMPORTS, assignment.creditor_id, tenant.pk)
    target = CaseStatus.RETURNED
    sources = [s for s in CaseStatus if can_transition(s, target)]
    scoped = Case.objects.filter(tenant=tenant, assignment=assignment)
    moved = list(
        scoped.filter(status__in=[s.value for s in sources]).order_by("id").values_list("id", "status")
    )
    for source in sources:
        scoped.filter(status=source.value).update(status=target.value, closed_on=on)
    at, actor_ref = now(), actor if actor is not None and actor.pk else None
    TimelineEvent.objects.bulk_create(
        (
            TimelineEvent(
                tenant=tenant,
                case_id=pk,
                at=at,
                kind="case.status",
                actor=actor_ref,
                summary=f"Stato: {LABELS[CaseStatus(old)]} → {LABELS[target]} ({reason})",
                data={"from": old, "to": target.value, "reason": reason},
            )
            for pk, old in moved
        ),
        batch_size=5000,
    )
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.RETURNED)
    assignment.status = Assignment.Status.RETURNED
    audit_record(
        tenant=tenant,
        actor=actor,
        action="assignment.return",
        obj=assignment,
        details={"returned": len(moved)},
    )
    return moved


def claim_outstanding_lower(*, tenant: Tenant, actor: User, claim: Claim, amount: Decimal) -> Decimal:
    """Lower what the creditor reports outstanding on an invoice (a credit note posted by the intake), never below
    zero: a building block for the service that posted the credit note, which has checked its actor."""
    if claim.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    reported = claim.reported_outstanding if claim.reported_outstanding is not None else claim.amount
    left = max(reported - amount, Decimal("0.00"))
    Claim.objects.filter(pk=claim.pk).update(reported_outstanding=left)
    return left


def cases_move_many(
    *, tenant: Tenant, actor: User, case_ids: list[int], target: CaseStatus, reason: str, on: dt.date
) -> list[tuple[int, str]]:
    """`case_move` set-based, for a daily job that has checked its own actor (the arrangements' check moving
    the cases of broken agreements back to work): every case whose status may move to `target` (transition
    table) does, with one timeline event each; the others stay. Returns (case id, old status). A building
    block, not a service."""
    sources = [s.value for s in CaseStatus if can_transition(s, target)]
    movable = Case.objects.filter(tenant=tenant, pk__in=case_ids, status__in=sources)
    moved = list(movable.values_list("id", "status"))
    closing = target in (CaseStatus.CLOSED, CaseStatus.RETURNED, CaseStatus.PAID)
    # One UPDATE for all source statuses (same target): at 1M, one per status was 1,066 statements.
    movable.update(status=target.value, **({"closed_on": on} if closing else {}))
    at, actor_ref = now(), actor if actor is not None and actor.pk else None
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            tenant=tenant,
            case_id=pk,
            at=at,
            kind="case.status",
            actor=actor_ref,
            summary=f"Stato: {LABELS[CaseStatus(old)]} → {LABELS[target]} ({reason})"[:300],
            data={"from": old, "to": target.value, "reason": reason},
        )
        for pk, old in moved
    )
    return moved


def timeline_append_many(
    *, tenant: Tenant, actor: User, events: list[tuple[int, str, str, dict[str, Any]]]
) -> int:
    """`timeline_append` for many cases at once, (case id, kind, summary, data) each: a daily job's events in
    one INSERT (the arrangements' check). A building block of services that checked their actor."""
    at, actor_ref = now(), actor if actor is not None and actor.pk else None
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            tenant=tenant,
            case_id=case_id,
            at=at,
            kind=kind,
            actor=actor_ref,
            summary=summary[:300],
            data=data,
        )
        for case_id, kind, summary, data in events
    )
    return len(events)


# ---------------------------------------------------------------- disputes (contestazioni)


def dispute_record(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    reason: DisputeReason,
    description: str = "",
    channel: str = "",
    deadline: dt.date | None = None,
) -> Dispute:
    """Open a dispute and move the case to `disputed` (the ladder waits while it is open). A building block of
    `dispute_open` and of the call and visit outcomes, which checked their actor on the case: not a service."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if Dispute.objects.filter(case=case, status=DisputeStatus.OPEN).exists():
        raise DomainError("dispute.already_open", case=case.code)
    day = today()
    if deadline is not None and deadline < day:
        raise DomainError("dispute.deadline_past", date=f"{deadline:%d/%m/%Y}")
    before = case.status
    if before != CaseStatus.DISPUTED:
        if not can_transition(before, CaseStatus.DISPUTED) and can_transition(before, CaseStatus.WORKING):
            case = case_move(
                tenant=tenant, actor=actor, case=case, target=CaseStatus.WORKING, reason="contestazione"
            )
        case = case_move(
            tenant=tenant, actor=actor, case=case, target=CaseStatus.DISPUTED, reason=REASON_LABELS[reason]
        )
    dispute = Dispute.objects.create(
        tenant=tenant,
        case=case,
        reason=reason.value,
        description=description[:2000],
        opened_on=day,
        deadline=deadline or default_deadline(day),
        channel=channel[:20],
        case_status_before=before,
        opened_by=actor if actor.pk else None,
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="dispute.opened",
        summary=f"Contestazione aperta: {REASON_LABELS[reason]} (risposta entro il {dispute.deadline:%d/%m/%Y})",
        data={"dispute": dispute.pk, "reason": reason.value, "channel": channel},
    )
    audit_record(tenant=tenant, actor=actor, action="dispute.open", obj=dispute, details={"case": case.pk})
    return dispute


@service(EDIT_CASES)
@transaction.atomic
def dispute_open(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    reason: DisputeReason,
    description: str = "",
    channel: str = "",
    deadline: dt.date | None = None,
) -> Dispute:
    """A debtor disputes the debt (by letter, PEC, at the desk): record it, the case waits for the decision."""
    require_case(actor, EDIT_CASES, case)
    return dispute_record(
        tenant=tenant,
        actor=actor,
        case=case,
        reason=reason,
        description=description,
        channel=channel,
        deadline=deadline,
    )


@service(EDIT_CASES)
@transaction.atomic
def dispute_document_add(
    *, tenant: Tenant, actor: User, dispute: Dispute, name: str, content: bytes
) -> DisputeDocument:
    """Attach a document (PDF, JPEG, PNG: checked by its content and size) to an open dispute."""
    if dispute.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, EDIT_CASES, dispute.case)
    return dispute_document_store(tenant=tenant, actor=actor, dispute=dispute, name=name, content=content)


def dispute_document_store(
    *, tenant: Tenant, actor: User, dispute: Dispute, name: str, content: bytes
) -> DisputeDocument:
    """`dispute_document_add` for a service that checked its own actor on the case (the debtor's page): the
    checks of the document itself (kind by content, size, count), its storage, timeline and audit."""
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError("dispute.closed")
    if DisputeDocument.objects.filter(dispute=dispute).count() >= MAX_DOCUMENTS:
        raise DomainError("dispute.too_many_documents", limit=MAX_DOCUMENTS)
    ext, error = document_kind(content[:16], len(content))
    if ext is None:
        raise DomainError(error, name=name[:120], limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    digest = hashlib.sha256(content).hexdigest()
    doc = DisputeDocument(
        tenant=tenant,
        dispute=dispute,
        name=(name or f"documento.{ext}")[:120],
        kind=ext,
        size=len(content),
        sha256=digest,
        uploaded_at=now(),
        uploaded_by=actor if actor.pk else None,
    )
    # The stored name is ours (the hash), never the uploaded one: no path tricks, no executable extension.
    doc.file.save(f"{dispute.case.code}-{digest[:16]}.{ext}", ContentFile(content), save=False)
    doc.save()
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=dispute.case,
        kind="dispute.document",
        summary=f"Documento allegato alla contestazione: {doc.name}",
        data={"dispute": dispute.pk, "document": doc.pk, "sha256": digest},
    )
    audit_record(tenant=tenant, actor=actor, action="dispute.document", obj=doc, details={"sha256": digest})
    return doc


def dispute_close(
    *,
    tenant: Tenant,
    actor: User,
    dispute: Dispute,
    target: DisputeStatus,
    reason: str,
    reduction: Decimal | None = None,
    case_target: CaseStatus = CaseStatus.WORKING,
) -> Dispute:
    """End a dispute through the transition table and move the case on (back to work, or closed when the
    claim was cancelled). A building block of `dispute_withdraw` and of the decision (strategies.desk), which
    checked the actor and posted the books: not a service."""
    dispute = Dispute.objects.select_for_update().select_related("case").get(pk=dispute.pk)
    if not dispute_can_transition(dispute.status, target):
        raise DomainError(
            "dispute.bad_transition",
            source=DISPUTE_STATUS_LABELS[DisputeStatus(dispute.status)],
            target=DISPUTE_STATUS_LABELS[target],
        )
    dispute.status, dispute.decided_on, dispute.decision_reason = target.value, today(), reason[:4000]
    dispute.reduction, dispute.decided_by = reduction, actor if actor.pk else None
    dispute.save(update_fields=["status", "decided_on", "decision_reason", "reduction", "decided_by"])
    case = dispute.case
    if case.status == CaseStatus.DISPUTED:
        case_move(
            tenant=tenant, actor=actor, case=case, target=case_target, reason=DISPUTE_STATUS_LABELS[target]
        )
    summary = f"Contestazione {DISPUTE_STATUS_LABELS[target].lower()}"
    if reduction:
        summary += f": riduzione di {format_eur(reduction)} €"
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind=f"dispute.{target.value}",
        summary=summary[:300],
        data={"dispute": dispute.pk, "reason": reason[:500], "reduction": str(reduction or "")},
    )
    audit_record(tenant=tenant, actor=actor, action=f"dispute.{target.value}", obj=dispute)
    return dispute


@service(EDIT_CASES)
@transaction.atomic
def dispute_withdraw(*, tenant: Tenant, actor: User, dispute: Dispute, note: str = "") -> Dispute:
    """The debtor withdraws the dispute: the case goes back to work and the ladder resumes."""
    if dispute.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, EDIT_CASES, dispute.case)
    return dispute_close(
        tenant=tenant, actor=actor, dispute=dispute, target=DisputeStatus.WITHDRAWN, reason=note or "ritirata"
    )
