"""Every write on arrangements: propose, approve, reject, cancel, the daily check, the written summary.

Each service checks the actor's capability (`@service`) and the case's scope (`require_case`), runs in one
transaction, appends a timeline event and an audit row. The case's status follows through the case transition
table (`cases.services.case_move`); write-offs go through the ledger's services; the acknowledgment of debt
through the cases' service that records prescription-interrupting acts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from recupero.arrangements.check import check_all
from recupero.arrangements.domain.limits import rules_from_data
from recupero.arrangements.domain.states import (
    KIND_LABELS,
    LABELS,
    OPEN,
    ArrangementStatus,
    Kind,
)
from recupero.arrangements.models import Acceptance, Arrangement, ArrangementPolicy, Instalment
from recupero.arrangements.selectors import (
    Draft,
    Terms,
    arrangement_draft,
    open_arrangement,
    summary_token,
    token_hash,
)
from recupero.arrangements.summary import summary_text
from recupero.arrangements.transitions import CASE_STATUS_OF, arrangement_move, case_follow
from recupero.cases.domain.states import OPEN_STATUSES, CaseStatus
from recupero.cases.models import Case
from recupero.cases.services import prescription_event_record, timeline_append
from recupero.core.clock import now, today
from recupero.core.domain.roles import (
    APPROVE_ARRANGEMENTS,
    MANAGE_CREDITORS,
    PROPOSE_ARRANGEMENTS,
    RUN_STRATEGIES,
)
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, require_creditor, service
from recupero.core.services import audit_record
from recupero.law.money import format_eur
from recupero.parties.models import Mandate


def _terms_text(a: Arrangement | Draft) -> str:
    kind = Kind(a.kind if isinstance(a, Arrangement) else a.terms.kind)
    return f"{KIND_LABELS[kind]} di {format_eur(a.total)} €"


def _replace(tenant: Tenant, actor: User, case: Case, replace: bool, day: dt.date) -> Arrangement | None:
    old = open_arrangement(case=case)
    if old is None:
        return None
    if not replace:
        raise DomainError("arrangement.already_active", kind=KIND_LABELS[Kind(old.kind)].lower())
    old = Arrangement.objects.select_for_update().get(pk=old.pk)
    arrangement_move(old, ArrangementStatus.REPLACED, on=day, reason="sostituito da un nuovo accordo")
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="arrangement.replaced",
        summary=f"{_terms_text(old)} sostituito da un nuovo accordo",
        data={"arrangement": old.pk},
    )
    return old


@service(PROPOSE_ARRANGEMENTS)
@transaction.atomic
def arrangement_propose(
    *,
    tenant: Tenant,
    actor: User,
    case: Case,
    terms: Terms,
    channel: str = "backoffice",
    replace: bool = False,
    note: str = "",
) -> Arrangement:
    """Record a promise, plan or settlement. Within the mandate's limits it is active at once (the case moves to
    promise, plan or settlement); beyond them it waits for approval until `approval_days` have passed."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, PROPOSE_ARRANGEMENTS, case)
    case = Case.objects.select_for_update().select_related("debtor").get(pk=case.pk)
    if CaseStatus(case.status) not in OPEN_STATUSES:
        raise DomainError("arrangement.case_closed", status=case.status_label)
    day = today()
    draft = arrangement_draft(case=case, terms=terms, day=day)
    old = _replace(tenant, actor, case, replace, day)
    status = ArrangementStatus.ACTIVE if draft.within_limits else ArrangementStatus.PENDING_APPROVAL
    try:
        with transaction.atomic():
            arrangement = _create(tenant, actor, case, draft, status, channel, old, note)
    except IntegrityError:  # a concurrent twin took the case's one open slot
        raise DomainError("arrangement.already_active", kind="") from None
    summary = f"{_terms_text(draft)}: " + (
        "attivo" if draft.within_limits else "oltre i limiti del mandato, in attesa di approvazione"
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="arrangement.proposed",
        summary=summary,
        data={"arrangement": arrangement.pk, "status": status.value, "breaches": arrangement.breaches},
    )
    if status is ArrangementStatus.ACTIVE:
        case_follow(tenant, actor, case, CASE_STATUS_OF[terms.kind], KIND_LABELS[terms.kind].lower())
    elif old is not None:
        case_follow(tenant, actor, case, CaseStatus.WORKING, "accordo sostituito, in attesa di approvazione")
    audit_record(
        tenant=tenant,
        actor=actor,
        action="arrangement.propose",
        obj=arrangement,
        details={"status": status.value},
    )
    return arrangement


def _create(
    tenant: Tenant,
    actor: User,
    case: Case,
    draft: Draft,
    status: ArrangementStatus,
    channel: str,
    old: Arrangement | None,
    note: str,
) -> Arrangement:
    t, rules = draft.terms, draft.rules
    arrangement = Arrangement.objects.create(
        tenant=tenant,
        case=case,
        creditor_id=case.creditor_id,
        kind=t.kind.value,
        status=status.value,
        amount_due=draft.amount_due,
        total=draft.total,
        down_payment=t.down_payment,
        discount_percent=t.discount_percent,
        interest_treatment=draft.treatment.value,
        frequency=t.frequency.value if t.kind is not Kind.PROMISE else "",
        channel=channel,
        taken_by=actor if actor.pk else None,
        replaces=old,
        breaches=[
            {"code": b.code, "message": m} for b, m in zip(draft.breaches, draft.messages, strict=True)
        ],
        started_on=draft.day,
        expires_on=None if draft.within_limits else draft.day + dt.timedelta(days=rules.approval_days),
        grace_days=rules.grace_days,
        missed_to_break=rules.missed_to_break,
        note=note[:300],
    )
    Instalment.objects.bulk_create(
        Instalment(
            tenant=tenant,
            arrangement=arrangement,
            number=i.number,
            due_on=i.due,
            amount=i.amount,
            interest=i.interest,
        )
        for i in draft.schedule
    )
    return arrangement


def _decide(
    tenant: Tenant, actor: User, arrangement: Arrangement, target: ArrangementStatus, reason: str
) -> Arrangement:
    if arrangement.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, APPROVE_ARRANGEMENTS, arrangement.case)
    if not reason.strip():
        raise DomainError("arrangement.reason_required")
    arrangement = Arrangement.objects.select_for_update().select_related("case").get(pk=arrangement.pk)
    if arrangement.status != ArrangementStatus.PENDING_APPROVAL:
        raise DomainError(
            "arrangement.bad_transition",
            source=arrangement.status_label,
            target=LABELS[target],
        )
    arrangement_move(arrangement, target, on=today(), reason=reason)
    arrangement.decided_by, arrangement.decided_at = (actor if actor.pk else None), now()
    arrangement.decision_reason = reason.strip()[:300]
    arrangement.save(update_fields=["decided_by", "decided_at", "decision_reason"])
    verb = "approvato" if target is ArrangementStatus.ACTIVE else "respinto"
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=arrangement.case,
        kind=f"arrangement.{'approved' if target is ArrangementStatus.ACTIVE else 'rejected'}",
        summary=f"{_terms_text(arrangement)} {verb}: {reason.strip()}"[:300],
        data={"arrangement": arrangement.pk},
    )
    audit_record(
        tenant=tenant, actor=actor, action=f"arrangement.{verb}", obj=arrangement, details={"reason": reason}
    )
    return arrangement


@service(APPROVE_ARRANGEMENTS)
@transaction.atomic
def arrangement_approve(*, tenant: Tenant, actor: User, arrangement: Arrangement, reason: str) -> Arrangement:
    """The creditor's side (consultant or creditor user) accepts a proposal beyond the mandate, with a reason."""
    arrangement = _decide(tenant, actor, arrangement, ArrangementStatus.ACTIVE, reason)
    kind = Kind(arrangement.kind)
    case_follow(
        tenant, actor, arrangement.case, CASE_STATUS_OF[kind], f"{KIND_LABELS[kind].lower()} approvato"
    )
    return arrangement


@service(APPROVE_ARRANGEMENTS)
@transaction.atomic
def arrangement_reject(*, tenant: Tenant, actor: User, arrangement: Arrangement, reason: str) -> Arrangement:
    return _decide(tenant, actor, arrangement, ArrangementStatus.REJECTED, reason)


@service(PROPOSE_ARRANGEMENTS)
@transaction.atomic
def arrangement_cancel(*, tenant: Tenant, actor: User, arrangement: Arrangement, reason: str) -> Arrangement:
    """Withdraw an open arrangement (entered by mistake, the debtor withdrew): the ladder resumes."""
    if arrangement.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, PROPOSE_ARRANGEMENTS, arrangement.case)
    if not reason.strip():
        raise DomainError("arrangement.reason_required")
    arrangement = Arrangement.objects.select_for_update().select_related("case").get(pk=arrangement.pk)
    arrangement_move(arrangement, ArrangementStatus.CANCELLED, on=today(), reason=reason)
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=arrangement.case,
        kind="arrangement.cancelled",
        summary=f"{_terms_text(arrangement)} annullato: {reason.strip()}"[:300],
        data={"arrangement": arrangement.pk},
    )
    if arrangement.case.status in {s.value for s in CASE_STATUS_OF.values()}:
        case_follow(tenant, actor, arrangement.case, CaseStatus.WORKING, "accordo annullato")
    audit_record(
        tenant=tenant, actor=actor, action="arrangement.cancel", obj=arrangement, details={"reason": reason}
    )
    return arrangement


@service(RUN_STRATEGIES)
def arrangements_check(*, tenant: Tenant, actor: User, day: dt.date) -> dict[str, int]:
    """The daily check (set-based, idempotent): expire undecided proposals; mark instalments paid or missed by
    the payments in the books; end arrangements kept or broken and move their cases. Returns the counts."""
    return check_all(tenant=tenant, actor=actor, day=day)


ACCEPTANCE_DAYS_DEFAULT = 15


@service(PROPOSE_ARRANGEMENTS)
@transaction.atomic
def summary_prepare(
    *, tenant: Tenant, actor: User, arrangement: Arrangement, days: int | None = None
) -> tuple[Acceptance, str]:
    """The written summary of what was agreed, offered to the debtor with a personal link until a deadline.

    Returns the offer and the token of its link (`/accordo/<token>/`). The token is signed with the secret key
    (only its hash is stored), so the sender can rebuild the link from the offer's id
    (`selectors.summary_token`); sending it is the channels' work (`channels.summaries.summary_send`)."""
    if arrangement.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, PROPOSE_ARRANGEMENTS, arrangement.case)
    arrangement = Arrangement.objects.select_related("case", "case__debtor", "case__creditor").get(
        pk=arrangement.pk
    )
    if arrangement.status not in {s.value for s in OPEN}:
        raise DomainError("arrangement.offer_not_active", status=arrangement.status_label)
    from recupero.arrangements.selectors import mandate_for, rules_for

    valid = days if days is not None else rules_for(mandate_for(arrangement.case, today())).acceptance_days
    offered = now()
    acceptance, token = summary_offer(
        tenant=tenant,
        arrangement=arrangement,
        offered_at=offered,
        deadline=offered + dt.timedelta(days=valid),
        created_by=actor if actor.pk else None,
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=arrangement.case,
        kind="arrangement.summary",
        summary=f"Riepilogo dell'accordo preparato, da accettare entro il {acceptance.deadline:%d/%m/%Y}",
        data={"arrangement": arrangement.pk, "acceptance": acceptance.pk, "sha256": acceptance.text_sha256},
    )
    audit_record(tenant=tenant, actor=actor, action="arrangement.summary_prepare", obj=acceptance)
    return acceptance, token


def summary_offer(*, tenant: Tenant, arrangement: Arrangement, **fields: Any) -> tuple[Acceptance, str]:
    """The written summary's row (text, SHA-256, the hash of its link's token) with `fields` (offered_at,
    deadline, and for the debtor's page the acceptance itself): a building block of `summary_prepare` and of
    the debtor's own plan (`self_service.py`), which checked their actor. Returns the row and its token."""
    text = summary_text(arrangement, list(arrangement.instalments.order_by("number")))
    acceptance = Acceptance.objects.create(
        tenant=tenant,
        arrangement=arrangement,
        token_hash=f"pending:{secrets.token_hex(8)}",
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        **fields,
    )
    token = summary_token(acceptance)
    acceptance.token_hash = token_hash(token)
    acceptance.save(update_fields=["token_hash"])
    return acceptance, token


@service(PROPOSE_ARRANGEMENTS)
@transaction.atomic
def summary_accept(
    *, tenant: Tenant, actor: User, acceptance: Acceptance, ip: str | None, channel: str = "web"
) -> Acceptance:
    """The debtor accepts the summary by its link: time, channel, the text's hash and the address are kept, and
    the acceptance is recorded as an acknowledgment of the debt (art. 1988 / 2944 c.c.), which the law engine
    reads as interrupting prescription. After the deadline the acceptance is refused."""
    if acceptance.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    acceptance = (
        Acceptance.objects.select_for_update().select_related("arrangement__case").get(pk=acceptance.pk)
    )
    arrangement, case = acceptance.arrangement, acceptance.arrangement.case
    require_case(actor, PROPOSE_ARRANGEMENTS, case)
    if acceptance.accepted_at is not None:
        raise DomainError("arrangement.offer_used", at=f"{acceptance.accepted_at:%d/%m/%Y}")
    moment = now()
    if moment > acceptance.deadline:
        raise DomainError("arrangement.offer_expired", deadline=f"{acceptance.deadline:%d/%m/%Y}")
    if arrangement.status not in {s.value for s in OPEN}:
        raise DomainError("arrangement.offer_not_active", status=arrangement.status_label)
    acceptance.accepted_at, acceptance.accepted_channel, acceptance.accepted_ip = (
        moment,
        channel[:12],
        ip or None,
    )
    acceptance.save(update_fields=["accepted_at", "accepted_channel", "accepted_ip"])
    prescription_event_record(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="acknowledgment",
        when=today(),
        evidence=f"accettazione riepilogo accordo {arrangement.pk}, sha256 {acceptance.text_sha256}",
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="arrangement.accepted",
        summary=f"Riepilogo accettato dal debitore ({channel}, {ip or 'indirizzo sconosciuto'})",
        data={"acceptance": acceptance.pk, "sha256": acceptance.text_sha256, "ip": ip or ""},
    )
    audit_record(
        tenant=tenant, actor=actor, action="arrangement.summary_accept", obj=acceptance, details={"ip": ip}
    )
    return acceptance


@service(MANAGE_CREDITORS)
@transaction.atomic
def policy_set(*, tenant: Tenant, actor: User, mandate: Mandate, rules: dict[str, Any]) -> ArrangementPolicy:
    """Set a mandate's negotiation limits (the JSON of `domain/limits.py`); checked by reading them back, so a
    malformed value is refused with a stable code and nothing is written."""
    if mandate.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_creditor(actor, MANAGE_CREDITORS, mandate.creditor_id, tenant.pk)
    try:
        rules_from_data(rules)
    except (ArithmeticError, TypeError, ValueError, AttributeError):
        raise DomainError("request.invalid", detail="limiti di negoziazione") from None
    policy, _ = ArrangementPolicy.objects.update_or_create(
        mandate=mandate, defaults={"tenant": tenant, "rules": rules}
    )
    audit_record(tenant=tenant, actor=actor, action="arrangement.policy_set", obj=policy)
    return policy
