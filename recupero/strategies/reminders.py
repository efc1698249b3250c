"""Instalment reminders and missed-instalment notices (promemoria rata, avviso di rata non pagata).

The arrangements app knows which instalments fall due soon and which were missed (`instalment_notices`); this
layer, which sees both arrangements and channels, sends each notice once through the debtor's e-mail or, without
one, an SMS — after the 05:30 check and with the 06:00 daily run. The idempotency key
`arrangement:<kind>:<instalment id>` makes a second run, or a notice still listed the next day, a no-op."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from recupero.arrangements.selectors import InstalmentNotice, instalment_notices
from recupero.cases.models import Case
from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.channels.tasks import communications_dispatch_ids
from recupero.core.domain.roles import SEND_COMMUNICATIONS
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, service
from recupero.parties.domain.consents import is_refused
from recupero.parties.models import ContactPoint, Debtor

REMINDER_DAYS = 3  # a reminder goes this many days before the instalment falls due
_USABLE = ("valid", "unverified")
# The debtor's channel for a notice: e-mail first, else SMS to a mobile number.
_CHANNELS = (("email", "email"), ("mobile", "sms"))


def _points(tenant: Tenant, debtor_ids: set[int]) -> dict[int, ContactPoint]:
    """The point each debtor is written to: a valid before an unverified one, e-mail before mobile, never by a
    channel the debtor refused on their page (parties.domain.consents)."""
    rank = {kind: i for i, (kind, _) in enumerate(_CHANNELS)}
    rows = ContactPoint.objects.filter(
        tenant=tenant, debtor_id__in=debtor_ids, kind__in=rank, status__in=_USABLE
    ).order_by("id")
    refusals = dict(
        Debtor.objects.filter(pk__in=debtor_ids, channels_refused__gt=0).values_list("pk", "channels_refused")
    )
    best: dict[int, ContactPoint] = {}
    for p in rows:
        if is_refused(refusals.get(p.debtor_id, 0), dict(_CHANNELS)[p.kind]):
            continue
        here = best.get(p.debtor_id)
        if here is None or (rank[p.kind], p.status != "valid") < (rank[here.kind], here.status != "valid"):
            best[p.debtor_id] = p
    return best


def _spec(notice: InstalmentNotice, point: ContactPoint, day: dt.date) -> CommunicationSpec:
    kind = dict(_CHANNELS)[point.kind]
    return CommunicationSpec(
        case_id=notice.case_id,
        kind=kind,
        template=f"instalment_{notice.kind}",
        step_code="",
        action=f"instalment:{notice.instalment_id}",
        contact_id=point.pk,
        address=point.value,
        scheduled_for=day,
        idempotency_key=f"arrangement:{notice.kind}:{notice.instalment_id}",
    )


@service(SEND_COMMUNICATIONS)
def instalment_notices_send(*, tenant: Tenant, actor: User, day: dt.date) -> dict[str, int]:
    """Queue (and dispatch) today's reminders and missed-instalment notices. Returns {"queued", "no_contact"}:
    a debtor with neither e-mail nor mobile is left to the collector's desk (the missed instalment is on the
    case page and breaks the plan by the mandate's rule)."""
    notices = instalment_notices(tenant=tenant, day=day, reminder_days=REMINDER_DAYS)
    debtors = dict(
        Case.objects.filter(tenant=tenant, pk__in={n.case_id for n in notices})
        .filter(case_q(actor))
        .values_list("id", "debtor_id")
    )
    points = _points(tenant, set(debtors.values()))
    specs, missing = [], 0
    for notice in notices:
        point = points.get(debtors.get(notice.case_id, -1))
        if point is None:
            missing += notice.case_id in debtors
            continue
        specs.append(_spec(notice, point, day))
    with transaction.atomic():
        new = communications_queue_new(tenant=tenant, actor=actor, specs=specs)
        communications_dispatch_ids(tenant=tenant, ids_by_kind=new)
    return {"queued": sum(len(ids) for ids in new.values()), "no_contact": missing}
