"""The debtor's acts on their page that reach more than one app (issue 15), each a service taking the debtor
principal (`core.permissions.debtor_actor`, capability `debtor.self_service`, scope: that debtor's cases with the
creditor of their link — checked by `require_case` in one place):

- `debtor_arrangement`: a plan or a promise (arrangements: accepted at once within the self-service limits, the
  acceptance an acknowledgment of the debt), then the schedule sent by e-mail when the debtor has one and has
  not refused e-mail (channels' summary, queued by the agency: `system_actor`, the debtor sends nothing);
- `debtor_contact_correct`: a corrected address, phone or e-mail (parties: "to verify", from the debtor) and a
  verification item on the desk (worklists), with a line on the case timeline;
- `debtor_channels_choose`: the channels refused (parties), on the case timeline.
A dispute or verification request (`cases.self_service.dispute_self_service`) and a call back
(`worklists.self_service.call_back_request`) are one app's each: the page calls them directly.
"""

from __future__ import annotations

from django.db import transaction

from recupero.arrangements.domain.states import Kind
from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import terms_from_input
from recupero.arrangements.self_service import arrangement_self_service
from recupero.cases.models import Case
from recupero.cases.services import timeline_append
from recupero.channels.summaries import summary_send
from recupero.channels.tasks import communications_dispatch_ids
from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_case, service, system_actor
from recupero.parties.domain.consents import CHANNEL_LABELS, ContactChannel, is_refused
from recupero.parties.domain.contacts import KIND_LABELS, ContactKind
from recupero.parties.models import ContactPoint
from recupero.parties.self_service import channels_choose, contact_correct
from recupero.worklists.self_service import contact_check_request

SENDER = "pagina del debitore"  # the agency's system actor sending what the debtor's act calls for


def _case(tenant: Tenant, actor: User, case: Case) -> Case:
    if case.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    require_case(actor, DEBTOR_SELF_SERVICE, case)
    return Case.objects.select_related("debtor").get(pk=case.pk)


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def debtor_arrangement(
    *, tenant: Tenant, actor: User, case: Case, data: dict[str, str], ip: str | None
) -> tuple[Arrangement, list[int]]:
    """A plan or a promise typed on the page (`arrangements.selectors.terms_from_input`). Returns the
    arrangement and the ids of the e-mails queued with its schedule (none without a usable e-mail)."""
    case = _case(tenant, actor, case)
    terms = terms_from_input(data)
    if terms.kind not in (Kind.PLAN, Kind.PROMISE):
        raise DomainError("arrangement.self_service.kind")
    arrangement, acceptance = arrangement_self_service(
        tenant=tenant, actor=actor, case=case, terms=terms, ip=ip
    )
    if is_refused(case.debtor.channels_refused, ContactChannel.EMAIL):
        return arrangement, []
    try:
        ids = summary_send(
            tenant=tenant, actor=system_actor(tenant, SENDER), acceptance=acceptance, kind="email"
        )
    except DomainError:  # no usable e-mail: the schedule stays on the page (and its link)
        return arrangement, []
    communications_dispatch_ids(tenant=tenant, ids_by_kind={"email": ids})
    return arrangement, ids


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def debtor_contact_correct(
    *, tenant: Tenant, actor: User, case: Case, kind: ContactKind, value: str, **address: str
) -> ContactPoint:
    """A contact point the debtor gives: stored "to verify", and a person asked to check it."""
    case = _case(tenant, actor, case)
    point, _created = contact_correct(
        tenant=tenant, actor=actor, debtor=case.debtor, kind=kind, value=value, **address
    )
    label = KIND_LABELS[kind]
    contact_check_request(
        tenant=tenant, actor=actor, case=case, contact_id=point.pk, what=f"{label} indicato dal debitore"
    )
    timeline_append(
        tenant=tenant,
        actor=actor,
        case=case,
        kind="debtor.contact",
        summary=f"{label} indicato dal debitore dalla pagina personale, da verificare",
        data={"contact": point.pk, "kind": kind.value},
    )
    return point


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def debtor_channels_choose(
    *, tenant: Tenant, actor: User, case: Case, refused: frozenset[ContactChannel]
) -> frozenset[ContactChannel]:
    """The channels the debtor refuses (e-mail, SMS, calls); the ladder and the desk respect it from now on."""
    case = _case(tenant, actor, case)
    before, after = channels_choose(tenant=tenant, actor=actor, debtor=case.debtor, refused=refused)
    if before != after:
        names = ", ".join(CHANNEL_LABELS[c].lower() for c in sorted(after)) or "nessuno"
        timeline_append(
            tenant=tenant,
            actor=actor,
            case=case,
            kind="debtor.channels",
            summary=f"Canali rifiutati dal debitore: {names}",
            data={"refused": sorted(after), "before": sorted(before)},
        )
    return after
