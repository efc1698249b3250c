"""The text of an agreement's written summary (riepilogo dell'accordo) with the debtor's personal link: built by
the sending tasks for the template `arrangement_summary` (queued by `channels.summaries.summary_send`)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from recupero.arrangements.models import Acceptance
from recupero.arrangements.selectors import summary_token
from recupero.channels.models import Communication
from recupero.channels.providers.base import Message

TEMPLATE = "arrangement_summary"


def summary_path(acceptance: Acceptance) -> str:
    return reverse("arrangement_accept", args=[summary_token(acceptance)])


def summary_message(comm: Communication, base_url: str | None = None) -> Message:
    """The message of a queued summary: the agreed terms and the personal link to accept them (an absolute
    address on the site the debtor reaches: RECUPERO_PUBLIC_URL)."""
    if base_url is None:
        base_url = settings.RECUPERO_PUBLIC_URL.rstrip("/")
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
