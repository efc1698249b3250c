"""The one-time code of a debtor's personal link, sent to a verified mobile or e-mail of theirs.

Part of the door (`cases.access`): the debtor has proved nothing yet, so there is no actor — the agency's own
page acts. `cases.access.access_code_issue` draws the code and keeps its digest; this module sends it through
the channel's provider (`providers.registry.provider_for`), the same seam as every message, and records the
sending on the timeline and the audit log (never the code). One code per minute per link at most.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from recupero.cases.access import access_code_issue, access_policy
from recupero.cases.models import AccessLink
from recupero.cases.services import timeline_append
from recupero.channels.providers.base import Message
from recupero.channels.providers.registry import provider_for
from recupero.core.clock import now
from recupero.core.errors import DomainError
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.core.services import audit_record
from recupero.parties.models import ContactPoint

KIND_CHANNEL = {"mobile": "sms", "email": "email"}
RESEND_SECONDS = 60


def mask(point: ContactPoint) -> str:
    """How the page names a contact without disclosing it: +39 ••• ••• 4567, m•••@example.it."""
    value = point.value
    if point.kind == "email" and "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:1]}•••@{domain}"
    return f"••• ••• {value[-4:]}"


def access_code_contacts(*, link: AccessLink) -> list[ContactPoint]:
    """The verified mobiles and e-mails of the link's debtor: where a one-time code may go."""
    return list(
        ContactPoint.objects.filter(
            tenant_id=link.tenant_id, debtor_id=link.case.debtor_id, kind__in=KIND_CHANNEL, status="valid"
        ).order_by("kind", "id")
    )


def access_code_send(*, link: AccessLink, contact_id: int) -> ContactPoint:
    """Draw a code for the link and send it to one of its debtor's verified contacts."""
    point = next((p for p in access_code_contacts(link=link) if p.pk == contact_id), None)
    if point is None:
        raise DomainError("access.no_contact")
    with transaction.atomic():
        link = AccessLink.objects.select_for_update().select_related("case").get(pk=link.pk)
        if link.otp_expires_at is not None:
            sent_at = link.otp_expires_at - dt.timedelta(minutes=access_policy().otp_minutes)
            if (now() - sent_at).total_seconds() < RESEND_SECONDS:
                raise DomainError("access.code_recent", seconds=RESEND_SECONDS)
        code = access_code_issue(link=link)
        tenant = Tenant.objects.get(pk=link.tenant_id)
        door = system_actor(tenant, "pagina debitore")
        summary = f"Codice di accesso monouso inviato a {mask(point)}"
        timeline_append(tenant=tenant, actor=door, case=link.case, kind="access.code_sent", summary=summary)
        audit_record(
            tenant=tenant, actor=door, action="access.code_sent", obj=link, details={"contact": point.pk}
        )
    kind = KIND_CHANNEL[point.kind]
    body = (
        f"{code} è il codice per aprire la sua pratica {link.case.code} (valido "
        f"{access_policy().otp_minutes} minuti). Non lo comunichi a nessuno."
    )
    result = provider_for(kind).send(
        Message(kind, point.value, body, f"Codice di accesso – pratica {link.case.code}", f"access-{link.pk}")
    )
    if not result.ok:
        raise DomainError("access.code_not_sent")
    return point
