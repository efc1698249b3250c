"""Receipts: PEC receipts, e-mail bounces (DSN) and SMS delivery reports move a communication and are kept as
evidence; a proven delivery interrupts prescription on the case."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message as EmailMsg
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from recupero.cases.services import prescription_event_record
from recupero.channels.domain.errors import PecError
from recupero.channels.domain.pec import ROME, PecReceipt, parse_receipt
from recupero.channels.domain.states import LABELS, CommKind, CommStatus
from recupero.channels.models import Communication, CommunicationEvidence
from recupero.channels.services.states import _comm_move, _timeline
from recupero.core.clock import now
from recupero.core.domain.roles import RECORD_RECEIPTS
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.parties.domain.contacts import ContactStatus
from recupero.parties.services import contact_mark


def _evidence(
    comm: Communication,
    kind: str,
    raw: bytes,
    received_at: dt.datetime,
    data: dict[str, Any],
    ext: str = "eml",
) -> tuple[CommunicationEvidence, bool]:
    digest = hashlib.sha256(raw).hexdigest()
    found = CommunicationEvidence.objects.filter(communication=comm, sha256=digest).first()
    if found is not None:
        return found, False
    evidence = CommunicationEvidence(
        tenant_id=comm.tenant_id,
        communication=comm,
        kind=kind,
        sha256=digest,
        received_at=received_at,
        data=data,
    )
    evidence.file.save(f"{comm.tenant_id}/{comm.pk}-{digest[:16]}.{ext}", ContentFile(raw), save=False)
    evidence.save()
    return evidence, True


@dataclass(frozen=True)
class IngestResult:
    type: str | None
    error: str | None
    date: str | None  # Italian local ISO date-time
    message_id: str | None
    case: str | None
    communication: int | None
    status: str | None
    interrupted_prescription: bool = False
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _match_pec(tenant: Tenant, receipt: PecReceipt) -> Communication | None:
    ids = [i for i in (receipt.riferimento_message_id, receipt.message_id) if i]
    if not ids:
        return None
    return (
        Communication.objects.select_related("case", "tenant")
        .filter(tenant=tenant, kind=CommKind.PEC, provider_message_id__in=ids)
        .order_by("-id")
        .first()
    )


_PEC_FAILED = {
    "non-accettazione": CommStatus.FAILED,
    "rilevazione-virus": CommStatus.FAILED,
    "errore-consegna": CommStatus.BOUNCED,
    "preavviso-errore-consegna": CommStatus.BOUNCED,
}


@service(RECORD_RECEIPTS)
@transaction.atomic
def pec_ingest(*, tenant: Tenant, raw: bytes, actor: User) -> IngestResult:
    """Read one PEC receipt, keep it as evidence on its communication, move the status, and record a proven
    delivery as a prescription interruption on the case (its Italian local date-time)."""
    try:
        receipt = parse_receipt(raw)
    except PecError as exc:
        return IngestResult(None, None, None, None, None, None, None, problem=exc.code)
    comm = _match_pec(tenant, receipt)
    date = receipt.date.astimezone(ROME).isoformat()
    message_id = receipt.riferimento_message_id or receipt.message_id
    if comm is None:
        return IngestResult(
            receipt.type, receipt.error, date, message_id, None, None, None, problem="no_match"
        )
    comm = Communication.objects.select_for_update().select_related("case", "tenant").get(pk=comm.pk)
    _evidence_row, new = _evidence(
        comm,
        f"pec:{receipt.type}",
        raw,
        receipt.date,
        {"type": receipt.type, "error": receipt.error, "source": receipt.source},
    )
    interrupted = False
    if new:
        interrupted = _apply_pec(comm, receipt, actor)
    return IngestResult(
        receipt.type,
        receipt.error,
        date,
        message_id,
        comm.case.code,
        comm.pk,
        comm.status,
        interrupted_prescription=interrupted,
        problem="" if new else "duplicate",
    )


def _apply_pec(comm: Communication, receipt: PecReceipt, actor: User) -> bool:
    when = receipt.date
    if receipt.type == "accettazione":
        if _comm_move(comm, CommStatus.ACCEPTED, accepted_at=when):
            _timeline(comm, actor, f"PEC accettata dal gestore il {when:%d/%m/%Y %H:%M}")
        return False
    if receipt.type == "avvenuta-consegna":
        if comm.status == CommStatus.SENT:
            _comm_move(comm, CommStatus.ACCEPTED, accepted_at=when)
        moved = _comm_move(comm, CommStatus.DELIVERED, delivered_at=when)
        if moved:
            _timeline(comm, actor, f"PEC consegnata il {when:%d/%m/%Y %H:%M}")
        if receipt.is_proof_of_receipt:
            prescription_event_record(
                tenant=comm.tenant,
                actor=actor,
                case=comm.case,
                kind="pec_delivered",
                when=when,
                evidence=f"communication:{comm.pk}",
            )
            return True
        return False
    target = _PEC_FAILED.get(receipt.type)
    if target is not None and _comm_move(comm, target, error=f"{receipt.type}: {receipt.error}"[:300]):
        _timeline(comm, actor, f"PEC non consegnata ({receipt.type}, {receipt.error})")
    return False


def _original_message_id(msg: EmailMsg) -> str | None:
    """The Message-ID of the message a DSN (RFC 3464) reports on."""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload()
            inner: Any = payload[0] if isinstance(payload, list) and payload else None
            if inner is None:
                body = part.get_payload(decode=True)
                inner = message_from_bytes(body if isinstance(body, bytes) else b"", policy=policy.default)
            value = inner.get("Message-ID")
            if value:
                return str(value).strip().strip("<>")
    value = msg.get("X-Original-Message-ID") or msg.get("Original-Message-ID")
    return str(value).strip().strip("<>") if value else None


@service(RECORD_RECEIPTS)
@transaction.atomic
def email_bounce_ingest(*, tenant: Tenant, raw: bytes, actor: User) -> IngestResult:
    """A delivery status notification for one of our e-mails: the message bounced, the address is wrong."""
    msg = message_from_bytes(raw, policy=policy.default)
    message_id = _original_message_id(msg)
    comm = (
        Communication.objects.select_related("case", "tenant", "contact")
        .filter(tenant=tenant, kind=CommKind.EMAIL, provider_message_id=message_id)
        .first()
        if message_id
        else None
    )
    if comm is None:
        return IngestResult("dsn", None, None, message_id, None, None, None, problem="no_match")
    _evidence(comm, "dsn", raw, now(), {"message_id": message_id})
    if _comm_move(comm, CommStatus.BOUNCED, error="DSN: indirizzo non recapitabile"):
        _timeline(comm, actor, f"E-mail respinta dal server del destinatario ({comm.address})")
        if comm.contact is not None:
            contact_mark(
                tenant=tenant,
                actor=actor,
                contact=comm.contact,
                status=ContactStatus.WRONG,
                reason=f"e-mail respinta (comunicazione {comm.pk})",
            )
    return IngestResult("dsn", None, None, message_id, comm.case.code, comm.pk, comm.status)


_DLR = {
    "delivered": CommStatus.DELIVERED,
    "failed": CommStatus.FAILED,
    "undeliverable": CommStatus.FAILED,
    "expired": CommStatus.FAILED,
    "rejected": CommStatus.FAILED,
}


@service(RECORD_RECEIPTS)
@transaction.atomic
def sms_dlr_record(
    *,
    tenant: Tenant,
    actor: User,
    message_id: str,
    status: str,
    at: dt.datetime | None = None,
    raw: bytes = b"",
) -> Communication | None:
    """A delivery report from the SMS gateway (delivered, failed, expired…)."""
    comm = (
        Communication.objects.select_for_update()
        .select_related("case", "tenant")
        .filter(tenant=tenant, kind=CommKind.SMS, provider_message_id=message_id)
        .first()
    )
    target = _DLR.get(status.lower())
    if comm is None or target is None:
        return None
    at = at or now()
    _evidence(
        comm,
        "sms_dlr",
        raw or f"{message_id} {status} {at.isoformat()}".encode(),
        at,
        {"status": status},
        ext="txt",
    )
    if comm.status == CommStatus.SENT and target is CommStatus.DELIVERED:
        _comm_move(comm, CommStatus.ACCEPTED)
    fields: dict[str, Any] = (
        {"delivered_at": at} if target is CommStatus.DELIVERED else {"error": f"SMS {status}"}
    )
    if _comm_move(comm, target, **fields):
        _timeline(comm, actor, f"SMS {LABELS[target].lower()} ({at.astimezone(ROME):%d/%m/%Y %H:%M})")
    return comm


# --- registered mail ----------------------------------------------------------------------------------------
