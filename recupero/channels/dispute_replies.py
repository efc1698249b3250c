"""The reasoned reply to a decided dispute (risposta motivata alla contestazione), in writing.

A debtor who disputes the debt is owed a written answer: rejected, why; upheld, by how much the claim was reduced
(or that it was cancelled). The reply is a Typst letter (kind `dispute_reply`, template of the same name) and goes
out like every communication, so its proof of delivery lands on the case the same way:
- by **PEC** when the debtor has a usable PEC box (the letter is the PEC's PDF; the receipts come back through
  `services.pec_ingest`);
- otherwise by **registered letter A/R** (raccomandata) to the debtor's usable postal address, in the day's print
  batch (the return card comes back through `services.registered_record` / `registered_import`).
One reply per dispute (idempotency key `dispute-reply:<dispute id>`). No address at all: nothing is queued and
the case's timeline says so, visibly.
"""

from __future__ import annotations

from recupero.cases.domain.disputes import DisputeStatus
from recupero.cases.models import Dispute
from recupero.cases.services import timeline_append
from recupero.channels.dispute_texts import TEMPLATE
from recupero.channels.domain.states import CommKind
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.channels.tasks import communications_dispatch_ids
from recupero.core.clock import today
from recupero.core.domain.roles import SEND_COMMUNICATIONS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.parties.models import ContactPoint

USABLE = ("valid", "unverified")
# The reply's channel by the kind of contact point, best first: a PEC has legal value on delivery; a registered
# letter proves delivery with its return card.
_ROUTES = ((CommKind.PEC, "pec"), (CommKind.REGISTERED, "address"))


def _route(dispute: Dispute) -> tuple[CommKind, ContactPoint] | None:
    points = list(
        ContactPoint.objects.filter(
            tenant_id=dispute.tenant_id, debtor_id=dispute.case.debtor_id, status__in=USABLE
        ).order_by("id")
    )
    for kind, point_kind in _ROUTES:
        found = sorted((p for p in points if p.kind == point_kind), key=lambda p: p.status != "valid")
        if found:
            return kind, found[0]
    return None


@service(SEND_COMMUNICATIONS)
def dispute_reply_send(*, tenant: Tenant, actor: User, dispute: Dispute) -> int | None:
    """Queue the reasoned reply of a decided dispute by PEC, else by registered letter A/R; returns the
    communication's id (the same one when asked twice), or None when the debtor has no usable address."""
    if dispute.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    dispute = Dispute.objects.select_related("case").get(pk=dispute.pk)
    case = dispute.case
    require_case(actor, SEND_COMMUNICATIONS, case)
    if dispute.status not in (DisputeStatus.UPHELD, DisputeStatus.REJECTED):
        raise DomainError("dispute.not_decided")
    route = _route(dispute)
    if route is None:
        timeline_append(
            tenant=tenant,
            actor=actor,
            case=case,
            kind="dispute.reply_unsent",
            summary="Risposta alla contestazione non inviata: il debitore non ha PEC né indirizzo utilizzabile",
            data={"dispute": dispute.pk},
        )
        return None
    kind, point = route
    key = f"dispute-reply:{dispute.pk}"
    spec = CommunicationSpec(
        case.pk, kind.value, TEMPLATE, "", f"dispute:{dispute.pk}", point.pk, point.value, today(), key
    )
    new = communications_queue_new(tenant=tenant, actor=actor, specs=[spec])
    communications_dispatch_ids(tenant=tenant, ids_by_kind=new)
    comm_id = Communication.objects.values_list("pk", flat=True).get(tenant=tenant, idempotency_key=key)
    if any(new.values()):
        label = "PEC" if kind is CommKind.PEC else "raccomandata A/R"
        timeline_append(
            tenant=tenant,
            actor=actor,
            case=case,
            kind="dispute.reply_sent",
            summary=f"Risposta motivata alla contestazione in invio per {label} a {point.value}"[:300],
            data={"dispute": dispute.pk, "communication": comm_id},
        )
        audit_record(
            tenant=tenant, actor=actor, action="dispute.reply_send", obj=dispute, details={"kind": kind.value}
        )
    return comm_id
