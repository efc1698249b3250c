"""The debtor's own plan or promise, from their page (issue 15): accepted at once within the mandate's
self-service limits, refused beyond them (the page offers a call back; never sent for approval).

The same records as an agreement taken by a collector and accepted by its link: the arrangement (channel
`self-service`, active), its written summary with the text's SHA-256, accepted at once with the time and the
client address, and the acknowledgment of the debt (art. 1988 / 2944 c.c.) that the law engine reads as
interrupting prescription (`cases.services.prescription_event_append`). A promise to pay is an acknowledgment
too (art. 1988). Sending the schedule is the layer above (`strategies.self_service`).
"""

from __future__ import annotations

from django.db import transaction

from recupero.arrangements.domain import limits
from recupero.arrangements.domain.states import KIND_LABELS, ArrangementStatus, Kind
from recupero.arrangements.models import SELF_SERVICE, Acceptance, Arrangement
from recupero.arrangements.selectors import (
    Draft,
    Terms,
    arrangement_draft,
    open_arrangement,
)
from recupero.arrangements.services import _create, _terms_text, summary_offer
from recupero.arrangements.transitions import CASE_STATUS_OF, case_follow
from recupero.cases.domain.states import OPEN_STATUSES, CaseStatus
from recupero.cases.models import Case
from recupero.cases.services import prescription_event_append, timeline_append
from recupero.core.clock import now, today
from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record


def _proposal(case: Case, draft: Draft) -> limits.Proposal:
    return limits.Proposal(
        kind=draft.terms.kind,
        debtor=limits.debtor_type(case.debtor.kind),
        amount_due=draft.amount_due,
        start=draft.day,
        instalments=tuple(draft.schedule),
        down_payment=draft.terms.down_payment,
    )


def self_service_draft(*, case: Case, terms: Terms) -> tuple[Draft, list[str]]:
    """The draft of a debtor's proposal and the Italian messages of the self-service limits it goes beyond
    (empty: it would be accepted at once). Refusals (a date past the horizon, above the amount due) raise."""
    if terms.kind not in (Kind.PLAN, Kind.PROMISE):
        raise DomainError("arrangement.self_service.kind")
    draft = arrangement_draft(case=case, terms=terms, day=today())
    found = limits.self_service_breaches(draft.rules, _proposal(case, draft))
    return draft, [DomainError(b.code, **b.params).message for b in found]


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def arrangement_self_service(
    *, tenant: Tenant, actor: User, case: Case, terms: Terms, ip: str | None
) -> tuple[Arrangement, Acceptance]:
    """A plan or a promise the debtor sets up on their page: active at once and accepted as written, or refused
    with the limits it goes beyond (`arrangement.self_service.beyond`) — nothing is written then."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    case = Case.objects.select_for_update().select_related("debtor", "creditor").get(pk=case.pk)
    if CaseStatus(case.status) not in OPEN_STATUSES:
        raise DomainError("arrangement.case_closed", status=case.status_label)
    old = open_arrangement(case=case)
    if old is not None:  # one open agreement per case; changing it is a person's decision
        raise DomainError("arrangement.self_service.promise_open", kind=KIND_LABELS[Kind(old.kind)].lower())
    draft, beyond = self_service_draft(case=case, terms=terms)
    if beyond:
        raise DomainError("arrangement.self_service.beyond", details="; ".join(beyond))
    arrangement = _create(tenant, actor, case, draft, ArrangementStatus.ACTIVE, SELF_SERVICE, None, "")
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="arrangement.proposed",
        summary=f"{_terms_text(draft)}: proposto dal debitore dalla pagina personale, attivo",
        data={"arrangement": arrangement.pk, "status": "active", "channel": SELF_SERVICE},
    )
    kind = Kind(arrangement.kind)
    case_follow(
        tenant, actor, case, CASE_STATUS_OF[kind], f"{KIND_LABELS[kind].lower()} dalla pagina personale"
    )
    acceptance = _accepted(tenant, actor, arrangement, ip)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="arrangement.self_service",
        obj=arrangement,
        details={"kind": kind.value, "total": str(arrangement.total), "ip": ip},
    )
    return arrangement, acceptance


def _accepted(tenant: Tenant, actor: User, arrangement: Arrangement, ip: str | None) -> Acceptance:
    """The written summary, accepted as it is shown: the same record as an acceptance by the summary's link."""
    arrangement = Arrangement.objects.select_related("case", "case__debtor", "case__creditor").get(
        pk=arrangement.pk
    )
    moment = now()
    acceptance, _token = summary_offer(
        tenant=tenant,
        arrangement=arrangement,
        offered_at=moment,
        deadline=moment,
        accepted_at=moment,
        accepted_channel=SELF_SERVICE,
        accepted_ip=ip or None,
    )
    case = arrangement.case
    prescription_event_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="acknowledgment",
        when=arrangement.started_on,
        evidence=f"accettazione riepilogo accordo {arrangement.pk}, sha256 {acceptance.text_sha256}",
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="arrangement.accepted",
        summary=f"Riepilogo accettato dal debitore ({SELF_SERVICE}, {ip or 'indirizzo sconosciuto'})",
        data={"acceptance": acceptance.pk, "sha256": acceptance.text_sha256, "ip": ip or ""},
    )
    return acceptance
