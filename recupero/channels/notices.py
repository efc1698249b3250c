"""E-mails to the platform's own users (not to debtors): the other side of a case's message thread.

A creditor user's message goes to the consultants assigned to its creditor (or, with none, to the agency's
supervisors); the agency's message goes to the creditor's users. Sent after the commit, through the e-mail
provider of `RECUPERO_CHANNELS` like every other e-mail; a failed send is logged and the message stays on the
case page (the thread, not the e-mail, is the record)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet

from recupero.cases.messages import case_message_post
from recupero.cases.models import Case, CaseMessage
from recupero.channels.providers.base import Message, ProviderResult
from recupero.channels.providers.registry import provider_for
from recupero.core.domain.roles import CASE_MESSAGES, Role
from recupero.core.models import Tenant, User
from recupero.core.permissions import service

log = logging.getLogger(__name__)


def recipients_of(message: CaseMessage) -> list[str]:
    """The addresses of the other side of the thread (active users with an e-mail), sorted, no duplicates."""
    users: QuerySet[User] = User.objects.filter(tenant_id=message.tenant_id, is_active=True).exclude(email="")
    if message.side == "creditor":
        chosen = users.filter(consulted_creditors=message.case.creditor_id)
        if not chosen.exists():
            chosen = users.filter(role=Role.SUPERVISOR.value)
    else:
        chosen = users.filter(role=Role.CREDITOR_USER.value, creditor_id=message.case.creditor_id)
    return sorted(set(chosen.values_list("email", flat=True)))


def _notice(message: CaseMessage, to: str) -> Message:
    who = "il committente" if message.side == "creditor" else "l'agenzia"
    body = (
        f"Nuovo messaggio da {who} sulla pratica {message.case.code}:\n\n{message.body}\n\n"
        f"Risponda dalla pagina della pratica (/pratiche/{message.case_id}/ per l'agenzia, "
        f"/portale/pratiche/{message.case_id}/messaggi/ per il committente)."
    )
    subject = f"Pratica {message.case.code}: nuovo messaggio"
    return Message(
        kind="email", to=to, body=body, subject=subject, reference=f"case-message:{message.pk}:{to}"
    )


def emails_send(outgoing: list[Message]) -> list[ProviderResult]:
    """Send e-mails to the platform's users through the configured e-mail provider (SMTP: one connection)."""
    provider = provider_for("email")
    many = getattr(provider, "send_many", None)
    return list(many(outgoing)) if many else [provider.send(m) for m in outgoing]


def notify(message_id: int) -> int:
    """Send the e-mails of one message (after its commit); returns how many the provider accepted."""
    message = CaseMessage.objects.select_related("case").get(pk=message_id)
    outgoing = [_notice(message, to) for to in recipients_of(message)]
    if not outgoing:
        return 0
    results = emails_send(outgoing)
    for sent, result in zip(outgoing, results, strict=True):
        if not result.ok:
            log.warning("case message %s to %s not sent: %s", message.pk, sent.to, result.error)
    return sum(1 for r in results if r.ok)


@service(CASE_MESSAGES)
@transaction.atomic
def case_message_send(*, tenant: Tenant, actor: User, case: Case, body: str) -> CaseMessage:
    """Post a message on the case's thread (`cases.messages.case_message_post`) and e-mail the other side
    once the transaction commits."""
    message = case_message_post(tenant=tenant, actor=actor, case=case, body=body)
    transaction.on_commit(lambda: notify(message.pk))
    return message
