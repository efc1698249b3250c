"""The case's message thread between the creditor's users and the agency (consultants, supervisors).

`case_message_post` is the one writer: scope checked like any case write (a creditor user only on its own
creditor's cases, a consultant on its creditors'), one timeline event and one audit row. Telling the other side
by e-mail belongs to channels (`channels.notices.case_message_send`, above this app), which calls this service."""

from __future__ import annotations

from django.db import transaction

from recupero.cases.models import Case, CaseMessage
from recupero.cases.services import timeline_append
from recupero.core.clock import now
from recupero.core.domain.roles import CASE_MESSAGES, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record

MAX_BODY = 4000


def side_of(actor: User) -> str:
    return "creditor" if actor.role == Role.CREDITOR_USER.value else "agency"


@service(CASE_MESSAGES)
@transaction.atomic
def case_message_post(*, tenant: Tenant, actor: User, case: Case, body: str) -> CaseMessage:
    """Append a message to the case's thread. Empty or longer than 4,000 characters: refused, nothing written."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, CASE_MESSAGES, case)
    text = (body or "").strip()
    if not text or len(text) > MAX_BODY:
        raise DomainError("case.message_body", limit=MAX_BODY)
    side = side_of(actor)
    message = CaseMessage.objects.create(
        tenant=tenant, case=case, author=actor, side=side, body=text, at=now()
    )
    who = "dal committente" if side == "creditor" else "dall'agenzia"
    timeline_append(
        tenant=tenant, actor=actor, case=case, kind="case.message", summary=f"Messaggio {who}",
        data={"message": message.pk, "side": side},
    )  # fmt: skip
    audit_record(
        tenant=tenant, actor=actor, action="case.message", obj=message, details={"side": side},
        case_ids=[case.pk],
    )  # fmt: skip
    return message
