"""Sending: render and send a task's chunk of queued communications, at most once (claimed before the
provider is called)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from recupero.channels.access_links import links_attach
from recupero.channels.agreement_texts import INSTALMENT_TEMPLATES, instalment_message, summary_message
from recupero.channels.agreement_texts import TEMPLATE as SUMMARY_TEMPLATE
from recupero.channels.documents.render import (
    RenderedBatch,
    check_letter,
    manifest_rows,
    render_batch_isolated,
    render_letter,
)
from recupero.channels.domain.errors import ChannelError
from recupero.channels.domain.states import LETTER_KINDS, TRANSITIONS, CommKind, CommStatus
from recupero.channels.letters import letter_data
from recupero.channels.models import Communication, PrintBatch
from recupero.channels.providers.base import Attachment, Message, ProviderResult
from recupero.channels.providers.registry import provider_for
from recupero.channels.services.states import _claim, _comm_move, _timeline
from recupero.channels.services.texts import EMAIL_TEXTS, PEC_TEXT, SMS_TEXT, _fields, _label
from recupero.core.clock import now
from recupero.core.clock import today as local_today
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import SEND_COMMUNICATIONS
from recupero.core.domain.sheets import safe_cell
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, service
from recupero.core.states import status_move


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
    if comms:  # every message carries the debtor's personal link (channels.access_links)
        links_attach(actor, comms[0].tenant, comms)
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
        raise ChannelError(
            "letter.unknown_kind",
            gettext_lazy("Modello di lettera sconosciuto: «{template}»."),
            template=comm.template,
        )
    return kind


def _render(comm: Communication, on: dt.date) -> bytes:
    return render_letter(_letter_kind(comm), letter_data(comm, letter_date=on))


def _fail(actor: User, comm: Communication, error: str) -> None:
    """queued → failed as one conditional UPDATE, like `_claim`: of two workers that both found the message
    unsendable, one records it (one timeline event, not two)."""
    with transaction.atomic():
        failed = status_move(
            comm,
            CommStatus.FAILED,
            TRANSITIONS,
            only_from={CommStatus.QUEUED},
            error=error[:300],
            updated_at=now(),
        )
        if not failed:
            return
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
            _comm_move(comm, CommStatus.SENT, sent_at=now(), print_batch=batch, provider="print")
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


def _message(comm: Communication, on: dt.date) -> Message:
    if comm.template == SUMMARY_TEMPLATE:  # an agreement's summary: its own text and the debtor's link
        return summary_message(comm)
    if comm.template in INSTALMENT_TEMPLATES:  # a plan's reminder or missed-instalment notice
        return instalment_message(comm)
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
            _comm_move(comm, CommStatus.FAILED, error=result.error[:300], provider=result.provider)
            _timeline(comm, actor, f"{_label(comm)} non inviata: {result.error[:200]}")
            return
        _comm_move(
            comm,
            CommStatus.SENT,
            sent_at=now(),
            provider=result.provider,
            provider_message_id=result.message_id,
        )
        if result.status == "accepted":
            _comm_move(comm, CommStatus.ACCEPTED, accepted_at=now())
        _timeline(
            comm, actor, f"{_label(comm)} inviata a {comm.contact.value if comm.contact else comm.address}"
        )
