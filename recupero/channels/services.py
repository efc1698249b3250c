"""Every write on communications: queued in bulk by the daily run, rendered and sent by tasks, moved by receipts.

Status changes go through `domain.states` (`_move`). Sending is at-most-once: a communication is claimed
(`queued` → `rendered`, committed) before the provider is called and marked `sent` after; a crash in between
leaves it `rendered`, visible, and never re-sent by a retry (contacting a debtor twice is worse than a delay).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message as EmailMsg
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from recupero.cases.models import Case
from recupero.cases.services import prescription_event_record, timeline_append
from recupero.channels.documents.render import (
    RenderedBatch,
    check_letter,
    manifest_rows,
    render_batch_isolated,
    render_letter,
)
from recupero.channels.domain.errors import ChannelError, PecError
from recupero.channels.domain.pec import ROME, PecReceipt, parse_receipt
from recupero.channels.domain.states import (
    KIND_LABELS,
    LABELS,
    LETTER_KINDS,
    CommKind,
    CommStatus,
    can_transition,
)
from recupero.channels.letters import letter_data
from recupero.channels.models import Communication, CommunicationEvidence, PrintBatch
from recupero.channels.providers.base import Attachment, Message, ProviderResult
from recupero.channels.providers.registry import provider_for
from recupero.core.bulk import Bulk
from recupero.core.clock import now
from recupero.core.clock import today as local_today
from recupero.core.domain.roles import RECORD_RECEIPTS, RUN_STRATEGIES, SEND_COMMUNICATIONS
from recupero.core.domain.sheets import safe_cell
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, service
from recupero.core.services import audit_record
from recupero.law.money import format_eur
from recupero.parties.domain.contacts import ContactStatus
from recupero.parties.services import contact_mark

log = logging.getLogger(__name__)
TASK_CHUNK = 500  # communications per background task (rule 8)
_COLUMNS = (
    "tenant_id",
    "case_id",
    "kind",
    "template",
    "step_code",
    "action",
    "contact_id",
    "address",
    "status",
    "scheduled_for",
    "provider",
    "provider_message_id",
    "document",
    "tracking_number",
    "error",
    "idempotency_key",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class CommunicationSpec:
    case_id: int
    kind: str
    template: str
    step_code: str
    action: str
    contact_id: int | None
    address: str
    scheduled_for: dt.date
    idempotency_key: str


@service(RUN_STRATEGIES, SEND_COMMUNICATIONS)
def communications_queue(
    *, tenant: Tenant, actor: User, specs: list[CommunicationSpec], bulk: Bulk | None = None
) -> int:
    """Insert communications as `queued`; one whose key exists is left alone (the same step is never sent
    twice). Returns how many were new."""
    new = communications_queue_new(tenant=tenant, actor=actor, specs=specs, bulk=bulk)
    return sum(len(ids) for ids in new.values())


@service(RUN_STRATEGIES, SEND_COMMUNICATIONS)
def communications_queue_new(
    *, tenant: Tenant, actor: User, specs: list[CommunicationSpec], bulk: Bulk | None = None
) -> dict[str, list[int]]:
    """`communications_queue`, returning the ids of the communications actually inserted by kind (what
    `tasks.communications_dispatch_ids` sends) — from the INSERT itself, no second query on the keys."""
    bulk = bulk or Bulk()
    stamp = bulk.ts_at(now())
    queued = CommStatus.QUEUED.value
    rows = [
        (
            tenant.pk,
            s.case_id,
            s.kind,
            s.template,
            s.step_code,
            s.action,
            s.contact_id,
            s.address[:300],
            queued,
            s.scheduled_for.isoformat(),
            "",
            "",
            "",
            "",
            "",
            s.idempotency_key,
            stamp,
            stamp,
        )
        for s in specs
    ]
    new = bulk.write_ignore_returning(
        "channels_communication", _COLUMNS, rows, "idempotency_key", ("kind", "id")
    )
    ids_by_kind: dict[str, list[int]] = {}
    for kind, pk in new:
        ids_by_kind.setdefault(str(kind), []).append(int(pk))  # type: ignore[call-overload]
    return ids_by_kind


# --- status -----------------------------------------------------------------------------------------------


def _move(comm: Communication, target: CommStatus, **fields: Any) -> bool:
    """Through the transition table only; a refused move (a late, out-of-order receipt) changes nothing."""
    if comm.status == target.value or not can_transition(comm.status, target):
        return False
    comm.status = target.value
    for name, value in fields.items():
        setattr(comm, name, value)
    comm.save(update_fields=["status", "updated_at", *fields])
    return True


def _claim(comm: Communication, **fields: Any) -> bool:
    """queued → rendered as one conditional UPDATE: of two workers given the same id, exactly one wins."""
    assert can_transition(CommStatus.QUEUED, CommStatus.RENDERED)
    won = Communication.objects.filter(pk=comm.pk, status=CommStatus.QUEUED).update(
        status=CommStatus.RENDERED.value, updated_at=now(), **fields
    )
    if won:
        comm.status = CommStatus.RENDERED.value
    return bool(won)


def document_url(comm: Communication) -> str:
    if not comm.document:
        return ""
    try:
        return reverse("backoffice:communication_document", args=[comm.pk])
    except NoReverseMatch:
        return ""


def _timeline(comm: Communication, actor: User, summary: str, **extra: Any) -> None:
    data = {
        "communication": comm.pk,
        "kind": comm.kind,
        "status": comm.status,
        "template": comm.template,
        "document_url": document_url(comm),
        **extra,
    }
    timeline_append(
        tenant=comm.tenant,
        actor=actor,
        case=comm.case,
        kind=f"communication.{comm.status}",
        summary=summary,
        data=data,
    )


TEMPLATE_LABELS = {
    "reminder_1": "prima lettera monitoria",
    "reminder_2": "seconda lettera monitoria",
    "formal_demand": "diffida e messa in mora",
    "bureau_notice": "preavviso di segnalazione SIC",
    "supply_suspension_notice": "preavviso di sospensione",
    "payment_plan_confirmation": "conferma del piano di rientro",
    "reminder_soft": "promemoria",
    "courtesy": "sollecito di cortesia",
}


def _label(comm: Communication) -> str:
    return f"{KIND_LABELS[CommKind(comm.kind)]} «{TEMPLATE_LABELS.get(comm.template, comm.template)}»"


# --- sending ----------------------------------------------------------------------------------------------


@service(SEND_COMMUNICATIONS)
def communications_send(
    *, tenant_id: int, actor: User, ids: list[int], on: dt.date | None = None
) -> dict[str, int]:
    """Render and send the queued communications among `ids` (a task's chunk). Idempotent: only `queued`
    rows are taken. Returns counts by resulting status."""
    on = on or local_today()
    comms = list(
        Communication.objects.filter(tenant_id=tenant_id, pk__in=ids, status=CommStatus.QUEUED)
        .filter(case_q(actor, "case__"))
        .select_related("tenant", "case", "case__creditor", "case__debtor", "contact")
        .order_by("id")
    )
    counts: dict[str, int] = {}
    letters = [c for c in comms if c.kind in (CommKind.LETTER, CommKind.REGISTERED)]
    if letters:
        _letters_send(actor, letters, on)
    for kind in (CommKind.EMAIL, CommKind.SMS, CommKind.PEC):
        batch = [c for c in comms if c.kind == kind]
        if batch:
            _messages_send(actor, kind, batch, on)
    for c in comms:
        counts[c.status] = counts.get(c.status, 0) + 1
    return counts


def _letter_kind(comm: Communication) -> str:
    kind = LETTER_KINDS.get(comm.template)
    if kind is None:
        raise ChannelError("letter.unknown_kind", f"Modello di lettera sconosciuto: «{comm.template}».")
    return kind


def _render(comm: Communication, on: dt.date) -> bytes:
    return render_letter(_letter_kind(comm), letter_data(comm, letter_date=on))


def _fail(actor: User, comm: Communication, error: str) -> None:
    """queued → failed as one conditional UPDATE, like `_claim`: of two workers that both found the message
    unsendable, one records it (one timeline event, not two)."""
    assert can_transition(CommStatus.QUEUED, CommStatus.FAILED)
    with transaction.atomic():
        failed = Communication.objects.filter(pk=comm.pk, status=CommStatus.QUEUED).update(
            status=CommStatus.FAILED.value, error=error[:300], updated_at=now()
        )
        if not failed:
            return
        comm.status, comm.error = CommStatus.FAILED.value, error[:300]
        _timeline(comm, actor, f"{_label(comm)} non inviata: {error[:200]}")


def _claim_document(comm: Communication) -> bool:
    """`_claim` for a message whose PDF was just written: the loser of the race deletes its own copy (a letter
    with a debtor's data must not be left on disk twice, unreferenced)."""
    if _claim(comm, document=comm.document.name):
        return True
    comm.document.delete(save=False)
    return False


def _letters_send(actor: User, comms: list[Communication], on: dt.date) -> None:
    """The day's print batch and each case's own PDF, from ONE compile (letters are cut out of the batch)."""
    prepared: list[tuple[Communication, str, Any]] = []
    for comm in comms:
        try:
            kind = _letter_kind(comm)
            data = letter_data(comm, letter_date=on)
            check_letter(kind, data)  # a bad letter fails alone, before the batch is composed
        except (ChannelError, DomainError) as exc:
            _fail(actor, comm, getattr(exc, "message", str(exc)))
            continue
        prepared.append((comm, kind, data))
    if not prepared:
        return
    items = [(kind, data) for _, kind, data in prepared]
    try:
        rendered = render_batch_isolated(items)
    except ChannelError as exc:  # a template bug: every letter of the chunk is marked, nothing is half-sent
        for comm, _, _ in prepared:
            _fail(actor, comm, exc.message)
        return
    done, kept = [], []
    for (comm, kind, data), pdf in zip(prepared, rendered.letters, strict=True):
        comm.document.save(
            f"{comm.tenant_id}/{on:%Y/%m}/{comm.case.code}-{comm.pk}.pdf", ContentFile(pdf), save=False
        )
        if not _claim_document(comm):
            continue  # another worker took it
        done.append(comm)
        kept.append((kind, data))
    if not done:
        return
    if len(done) < len(prepared):  # rare: some letters were taken elsewhere, so recompose the print file
        rendered = render_batch_isolated(kept)
    batch = _print_batch(comms[0].tenant, on, kept, rendered)
    with transaction.atomic():
        for comm in done:
            _move(comm, CommStatus.SENT, sent_at=now(), print_batch=batch, provider="print")
            _timeline(comm, actor, f"{_label(comm)} composta e inviata alla stampa (lotto {batch.seq})")


def _print_batch(
    tenant: Tenant, on: dt.date, items: list[tuple[str, Any]], rendered: RenderedBatch
) -> PrintBatch:
    rows = manifest_rows(items, rendered.pages)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    # names and addresses come from creditors' files: neutralised before a person opens the file in Excel
    writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # serialise the day's numbering
        seq = PrintBatch.objects.filter(tenant=tenant, on=on).count() + 1
        batch = PrintBatch(tenant=tenant, on=on, seq=seq, letters=len(items), pages=sum(rendered.pages))
        batch.pdf.save(f"{tenant.pk}/{on.isoformat()}-{seq:03d}.pdf", ContentFile(rendered.pdf), save=False)
        batch.manifest.save(
            f"{tenant.pk}/{on.isoformat()}-{seq:03d}.csv", ContentFile(out.getvalue().encode()), save=False
        )
        batch.save()
    return batch


EMAIL_TEXTS = {
    "reminder_soft": (
        "Promemoria di pagamento – pratica {code}",
        "Gentile {name},\n\nle ricordiamo che risulta ancora da saldare l'importo di {amount} € dovuto a "
        "{creditor} (pratica {code}).\nSe ha già provveduto, non tenga conto di questo messaggio.\n\n"
        "Può pagare con bonifico sull'IBAN {iban} indicando come causale {code}.\n\nCordiali saluti\n{agency}",
    ),
    "courtesy": (
        "Sollecito di cortesia – pratica {code}",
        "Gentile {name},\n\nper conto di {creditor} le segnaliamo fatture non pagate per {amount} € "
        "(pratica {code}).\nLa preghiamo di provvedere al pagamento con bonifico sull'IBAN {iban}, causale {code}."
        "\n\nPer qualsiasi chiarimento siamo a sua disposizione.\n\nCordiali saluti\n{agency}",
    ),
}
SMS_TEXT = "{creditor}: risultano da pagare {amount} EUR (pratica {code}). IBAN {iban}, causale {code}. Info: {phone}"
PEC_TEXT = (
    "Gentile {name},\n\nin allegato la comunicazione relativa alla pratica {code} per conto di {creditor}.\n\n"
    "Cordiali saluti\n{agency}"
)


def _fields(comm: Communication) -> dict[str, str]:
    case: Case = comm.case
    debtor = case.debtor
    return {
        "code": case.code,
        "amount": format_eur(case.balance),
        "creditor": case.creditor.name,
        "name": debtor.display_name
        if debtor.company_name
        else f"{debtor.first_name} {debtor.last_name}".strip(),
        "iban": case.creditor.iban or comm.tenant.iban,
        "agency": comm.tenant.name,
        "phone": comm.tenant.phone or case.creditor.contact_phone,
    }


def _message(comm: Communication, on: dt.date) -> Message:
    f = _fields(comm)
    to = comm.contact.value if comm.contact else comm.address
    if comm.kind == CommKind.SMS:
        return Message("sms", to, SMS_TEXT.format(**f), reference=comm.idempotency_key)
    if comm.kind == CommKind.PEC:
        pdf = _render(comm, on)
        comm.document.save(
            f"{comm.tenant_id}/{on:%Y/%m}/{comm.case.code}-{comm.pk}.pdf", ContentFile(pdf), save=False
        )
        subject = f"Comunicazione formale – pratica {f['code']}"
        return Message(
            "pec",
            to,
            PEC_TEXT.format(**f),
            subject,
            comm.idempotency_key,
            (Attachment(f"{f['code']}.pdf", pdf),),
        )
    subject, body = EMAIL_TEXTS.get(comm.template, EMAIL_TEXTS["reminder_soft"])
    return Message("email", to, body.format(**f), subject.format(**f), comm.idempotency_key)


def _messages_send(actor: User, kind: CommKind, comms: list[Communication], on: dt.date) -> None:
    provider = provider_for(kind.value)
    ready: list[tuple[Communication, Message]] = []
    for comm in comms:
        try:
            message = _message(comm, on)
        except (ChannelError, DomainError) as exc:
            _fail(actor, comm, getattr(exc, "message", str(exc)))
            continue
        # Claimed (and committed) before the provider is called: never sent twice.
        if not (_claim_document(comm) if comm.document else _claim(comm)):
            continue
        ready.append((comm, message))
    if not ready:
        return
    send_many = getattr(provider, "send_many", None)
    if send_many is not None:
        results: list[ProviderResult] = send_many([m for _c, m in ready])
    else:
        results = [provider.send(m) for _c, m in ready]
    for (comm, _message_sent), result in zip(ready, results, strict=True):
        _record_result(actor, comm, result)


def _record_result(actor: User, comm: Communication, result: ProviderResult) -> None:
    with transaction.atomic():
        if not result.ok:
            _move(comm, CommStatus.FAILED, error=result.error[:300], provider=result.provider)
            _timeline(comm, actor, f"{_label(comm)} non inviata: {result.error[:200]}")
            return
        _move(
            comm,
            CommStatus.SENT,
            sent_at=now(),
            provider=result.provider,
            provider_message_id=result.message_id,
        )
        if result.status == "accepted":
            _move(comm, CommStatus.ACCEPTED, accepted_at=now())
        _timeline(
            comm, actor, f"{_label(comm)} inviata a {comm.contact.value if comm.contact else comm.address}"
        )


# --- evidence and receipts ----------------------------------------------------------------------------------


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
        if _move(comm, CommStatus.ACCEPTED, accepted_at=when):
            _timeline(comm, actor, f"PEC accettata dal gestore il {when:%d/%m/%Y %H:%M}")
        return False
    if receipt.type == "avvenuta-consegna":
        if comm.status == CommStatus.SENT:
            _move(comm, CommStatus.ACCEPTED, accepted_at=when)
        moved = _move(comm, CommStatus.DELIVERED, delivered_at=when)
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
    if target is not None and _move(comm, target, error=f"{receipt.type}: {receipt.error}"[:300]):
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
    if _move(comm, CommStatus.BOUNCED, error="DSN: indirizzo non recapitabile"):
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
        _move(comm, CommStatus.ACCEPTED)
    fields: dict[str, Any] = (
        {"delivered_at": at} if target is CommStatus.DELIVERED else {"error": f"SMS {status}"}
    )
    if _move(comm, target, **fields):
        _timeline(comm, actor, f"SMS {LABELS[target].lower()} ({at.astimezone(ROME):%d/%m/%Y %H:%M})")
    return comm


# --- registered mail ----------------------------------------------------------------------------------------


@service(RECORD_RECEIPTS)
@transaction.atomic
def registered_record(
    *,
    tenant: Tenant,
    actor: User,
    communication: Communication,
    tracking_number: str = "",
    delivered_on: dt.date | None = None,
    held_on: dt.date | None = None,
    returned_on: dt.date | None = None,
) -> Communication:
    """Tracking number, return card (delivered), avviso di giacenza (held) or return of a raccomandata A/R.
    Delivery and the giacenza notice interrupt prescription (LEGAL.md §3) on the date written on them."""
    comm = Communication.objects.select_for_update().select_related("case", "tenant").get(pk=communication.pk)
    if comm.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    if comm.kind != CommKind.REGISTERED:
        raise DomainError("channel.not_registered", "La comunicazione non è una raccomandata A/R.")
    if tracking_number and tracking_number != comm.tracking_number:
        comm.tracking_number = tracking_number.strip()
        comm.save(update_fields=["tracking_number", "updated_at"])
        _timeline(comm, actor, f"Raccomandata n. {comm.tracking_number}")
    if held_on and _move(comm, CommStatus.HELD, held_on=held_on):
        _timeline(comm, actor, f"Raccomandata in giacenza: avviso lasciato il {held_on:%d/%m/%Y}")
        prescription_event_record(
            tenant=tenant,
            actor=actor,
            case=comm.case,
            kind="registered_held_notice",
            when=held_on,
            evidence=f"communication:{comm.pk}",
        )
    if delivered_on and _move(
        comm, CommStatus.DELIVERED, delivered_at=dt.datetime.combine(delivered_on, dt.time(12), tzinfo=ROME)
    ):
        _timeline(comm, actor, f"Raccomandata consegnata il {delivered_on:%d/%m/%Y} (cartolina di ritorno)")
        prescription_event_record(
            tenant=tenant,
            actor=actor,
            case=comm.case,
            kind="registered_delivered",
            when=delivered_on,
            evidence=f"communication:{comm.pk}",
        )
    if returned_on and _move(comm, CommStatus.RETURNED, returned_on=returned_on):
        _timeline(comm, actor, f"Raccomandata restituita al mittente il {returned_on:%d/%m/%Y}")
    audit_record(tenant=tenant, actor=actor, action="communication.registered", obj=comm)
    return comm


def _csv_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    if "/" in value:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    return dt.date.fromisoformat(value)


@service(RECORD_RECEIPTS)
def registered_import(*, tenant: Tenant, actor: User, lines: Iterable[str]) -> dict[str, Any]:
    """CSV from the postal provider: case_code;tracking_number;delivered_on;held_on;returned_on (dates
    dd/mm/yyyy or ISO; `,` or `;`). A row is matched by tracking number, else by the case's latest raccomandata.
    Each row is its own transaction: a bad row is reported and changes nothing."""
    text = list(lines)
    dialect = csv.Sniffer().sniff(text[0], delimiters=",;") if text else csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    done, errors = 0, []
    for n, row in enumerate(reader, start=2):
        try:
            comm = _registered_match(tenant, row)
            registered_record(
                tenant=tenant,
                actor=actor,
                communication=comm,
                tracking_number=(row.get("tracking_number") or ""),
                delivered_on=_csv_date(row.get("delivered_on")),
                held_on=_csv_date(row.get("held_on")),
                returned_on=_csv_date(row.get("returned_on")),
            )
            done += 1
        except (DomainError, ValueError) as exc:
            errors.append({"line": n, "error": getattr(exc, "message", str(exc))})
    return {"rows": done, "errors": errors}


def _registered_match(tenant: Tenant, row: dict[str, str]) -> Communication:
    qs = Communication.objects.filter(tenant=tenant, kind=CommKind.REGISTERED)
    tracking = (row.get("tracking_number") or "").strip()
    found = qs.filter(tracking_number=tracking).first() if tracking else None
    if found is None and row.get("case_code"):
        found = qs.filter(case__code=row["case_code"].strip()).order_by("-scheduled_for", "-id").first()
    if found is None:
        raise DomainError(
            "channel.no_match", f"Nessuna raccomandata per «{tracking or row.get('case_code')}»."
        )
    return found
