"""The debtor's requests that become work for a person, from their page (issue 15):

- a **call back** in a time window they chose (`call_back_request`): a `call` item on the collector's desk,
  due that day with the window cut to the mandate's contact hours, routed by the desk's assignment rules,
  one open request per case;
- the **check of a contact point** they corrected (`contact_check_request`): a `verify_data` item (verifica
  anagrafica) whose outcome "verified" makes their "to verify" points valid (`parties.debtor_data_verify`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from recupero.cases.models import Case
from recupero.cases.services import timeline_append
from recupero.core.clock import ROME, now, today
from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service
from recupero.core.services import audit_record
from recupero.law.contact_windows import window_for
from recupero.worklists.domain.form import FormError, debtor_call_back
from recupero.worklists.domain.items import ItemKind, ItemStatus
from recupero.worklists.models import WorkItem
from recupero.worklists.routing import items_route
from recupero.worklists.services import _mandate

CALL_BACK_TEMPLATE = "debtor_call_back"


def _item(tenant: Tenant, case: Case, kind: ItemKind, on: dt.date, key: str, **extra: object) -> WorkItem:
    item, created = WorkItem.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "tenant": tenant,
            "case": case,
            "kind": kind.value,
            "due_on": on,
            "priority": case.balance,
            "created_at": now(),
            **extra,
        },
    )
    if created:  # the desk's assignment rules decide who gets it
        items_route(tenant=tenant, keys=[key])
    return item


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def call_back_request(
    *, tenant: Tenant, actor: User, case: Case, on: dt.date, start: dt.time, end: dt.time, note: str = ""
) -> WorkItem:
    """The debtor asks to be called on `on` between `start` and `end` (Italian time)."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    mandate = _mandate(case, on)
    window = window_for(mandate.contact_window if mandate else "")
    try:
        start, end = debtor_call_back(
            on, start, end, now=now().astimezone(ROME).replace(tzinfo=None), window=window
        )
    except FormError:
        hours = window.on(on) or (dt.time(8, 30), dt.time(21))
        raise DomainError("debtor.bad_window", start=f"{hours[0]:%H:%M}", end=f"{hours[1]:%H:%M}") from None
    waiting = WorkItem.objects.filter(
        tenant=tenant, case=case, template=CALL_BACK_TEMPLATE, status=ItemStatus.OPEN, due_on__gte=today()
    ).first()
    if waiting is not None:
        raise DomainError("debtor.callback_open", date=f"{waiting.due_on:%d/%m/%Y}")
    key = f"debtor-call-back:{case.pk}:{on.isoformat()}:{start:%H%M}"
    item = _item(
        tenant,
        case,
        ItemKind.CALL,
        on,
        key,
        template=CALL_BACK_TEMPLATE,
        window_start=start,
        window_end=end,
        outcome_data={"requested_by": "debtor", "note": note[:300]},
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="worklist.call_back_requested",
        summary=f"Il debitore chiede di essere richiamato il {on:%d/%m/%Y} tra le {start:%H:%M} e le {end:%H:%M}",
        data={"item": item.pk, "note": note[:300]},
    )
    audit_record(tenant=tenant, actor=actor, action="worklist.call_back_request", obj=item)
    return item


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def contact_check_request(*, tenant: Tenant, actor: User, case: Case, contact_id: int, what: str) -> WorkItem:
    """A person must check the contact point the debtor gave (one item per point)."""
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    day = today()
    item = _item(
        tenant,
        case,
        ItemKind.VERIFY_DATA,
        day,
        f"debtor-contact:{contact_id}",
        template="debtor_contact",
        outcome_data={"requested_by": "debtor", "contact": contact_id, "what": what[:200]},
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="worklist.verify_request",
        obj=item,
        details={"contact": contact_id},
    )
    return item
