"""Sending the written summary of an agreement (riepilogo dell'accordo) with the debtor's personal link.

`arrangements.services.summary_prepare` creates the offer (the text, its hash, the deadline); this module, a
layer above, queues the message through the channels' own service (`communications_queue_new`), so it is sent
by the same tasks, guards and providers as every other communication, at most once per offer
(idempotency key `arrangement-summary:<offer id>`). The communication's `action` names the offer
(`acceptance:<id>`): `summary_message` rebuilds the link from it (the token is signed, never stored), which
the channels' message builder calls for the template `arrangement_summary`.
"""

from __future__ import annotations

from recupero.arrangements.models import Acceptance
from recupero.cases.services import timeline_append
from recupero.channels.agreement_texts import TEMPLATE, summary_message, summary_path  # noqa: F401
from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.core.clock import today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import SEND_COMMUNICATIONS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.parties.models import ContactPoint

# The kind of message → the contact point it goes to. By letter the summary is a Typst letter (kind
# `agreement_summary`: the schedule, the personal link and the case code, and a space to sign it and send it back).
CONTACT_FOR = {"email": ("email",), "pec": ("pec",), "sms": ("mobile",), "letter": ("address",)}


def _contact(acceptance: Acceptance, kind: str) -> ContactPoint:
    debtor_id = acceptance.arrangement.case.debtor_id
    point = (
        ContactPoint.objects.filter(
            tenant_id=acceptance.tenant_id, debtor_id=debtor_id, kind__in=CONTACT_FOR[kind]
        )
        .exclude(status__in=("wrong", "unreachable"))
        .order_by("id")
        .first()
    )
    if point is None:
        raise DomainError(
            "auth.not_found",
            gettext_lazy("Il debitore non ha un recapito valido per l'invio ({kind})."),
            kind=kind,
        )
    return point


@service(SEND_COMMUNICATIONS)
def summary_send(*, tenant: Tenant, actor: User, acceptance: Acceptance, kind: str) -> list[int]:
    """Queue the summary with its link to the debtor by e-mail, PEC, SMS or letter. Returns the ids queued
    (empty when this offer was already queued by that channel)."""
    if acceptance.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    acceptance = Acceptance.objects.select_related("arrangement__case").get(pk=acceptance.pk)
    case = acceptance.arrangement.case
    require_case(actor, SEND_COMMUNICATIONS, case)
    if kind not in CONTACT_FOR:
        raise DomainError("request.invalid", detail=f"canale «{kind}»")
    point = _contact(acceptance, kind)
    spec = CommunicationSpec(
        case_id=case.pk,
        kind=kind,
        template=TEMPLATE,
        step_code="",
        action=f"acceptance:{acceptance.pk}",
        contact_id=point.pk,
        address=point.value,
        scheduled_for=today(),
        idempotency_key=f"arrangement-summary:{acceptance.pk}:{kind}",
    )
    queued = communications_queue_new(tenant=tenant, actor=actor, specs=[spec])
    ids = [pk for pks in queued.values() for pk in pks]
    if ids:
        timeline_append(
            tenant=tenant,
            actor=actor,
            case=case,
            kind="arrangement.summary_sent",
            summary=f"Riepilogo dell'accordo in invio ({kind}) a {point.value}"[:300],
            data={"acceptance": acceptance.pk, "communication": ids[0]},
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="arrangement.summary_send",
            obj=acceptance,
            details={"kind": kind},
        )
    return ids
