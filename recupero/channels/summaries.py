"""Sending the written summary of an agreement (riepilogo dell'accordo) with the debtor's personal link.

`arrangements.services.summary_prepare` creates the offer (the text, its hash, the deadline); this module, a
layer above, queues the message through the channels' own service (`communications_queue_new`), so it is sent
by the same tasks, guards and providers as every other communication, at most once per offer
(idempotency key `arrangement-summary:<offer id>`). The communication's `action` names the offer
(`acceptance:<id>`): `summary_message` rebuilds the link from it (the token is signed, never stored), which
the channels' message builder calls for the template `arrangement_summary`.
"""

from __future__ import annotations

from django.urls import reverse

from recupero.arrangements.models import Acceptance
from recupero.arrangements.selectors import summary_token
from recupero.cases.services import timeline_append
from recupero.channels.models import Communication
from recupero.channels.providers.base import Message
from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.core.clock import today
from recupero.core.domain.roles import SEND_COMMUNICATIONS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.parties.models import ContactPoint

TEMPLATE = "arrangement_summary"
# The kind of message → the contact point it goes to (a letter to the postal address).
CONTACT_FOR = {"email": ("email",), "pec": ("pec",), "sms": ("mobile",), "letter": ("address",)}


def summary_path(acceptance: Acceptance) -> str:
    return reverse("arrangement_accept", args=[summary_token(acceptance)])


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
        raise DomainError("auth.not_found", f"Il debitore non ha un recapito valido per l'invio ({kind}).")
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


def summary_message(comm: Communication, base_url: str = "") -> Message:
    """The message of a queued summary: the agreed terms and the personal link to accept them."""
    acceptance = Acceptance.objects.get(pk=int(comm.action.split(":", 1)[1]), tenant_id=comm.tenant_id)
    link = f"{base_url}{summary_path(acceptance)}"
    deadline = f"{acceptance.deadline:%d/%m/%Y}"
    if comm.kind == "sms":
        body = f"Riepilogo del suo accordo (pratica {comm.case.code}): lo legga e accetti entro il {deadline}: {link}"
        return Message("sms", comm.address, body, reference=comm.idempotency_key)
    body = (
        f"{acceptance.text}\n\n"
        f"Per accettare l'accordo apra entro il {deadline} questo indirizzo personale:\n{link}\n"
    )
    return Message(
        comm.kind,
        comm.address,
        body,
        f"Riepilogo dell'accordo – pratica {comm.case.code}",
        comm.idempotency_key,
    )
