"""The debtor's own acts on their personal data, from their page (issue 15).

- A corrected address, phone or e-mail is stored as coming from the debtor (`source = "debitore"`) and flagged
  `to_verify`: the ladder does not use it until a person checks it (the verification work item, closed
  "verified" by `services.debtor_data_verify`, makes it valid). A number or address already known is not
  duplicated: a point marked wrong comes back as "to verify" (the debtor says it is theirs).
- The choice of channels (privacy: opposizione per canale) is kept as bits on `Debtor.channels_refused`
  (`domain/consents.py`): e-mail, SMS and calls may be refused; letters and PEC cannot.
The case timeline is written by the layer above (`strategies.self_service`), which knows the case.
"""

from __future__ import annotations

from django.db import transaction

from recupero.core.domain.roles import DEBTOR_SELF_SERVICE
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record
from recupero.parties.domain.consents import ContactChannel, refusal_mask, refused_channels
from recupero.parties.domain.contacts import ContactKind, ContactStatus
from recupero.parties.models import ContactPoint, Debtor
from recupero.parties.services import _contact_point, _contact_store, _require_debtor

FROM_DEBTOR = "debitore"


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def contact_correct(
    *,
    tenant: Tenant,
    actor: User,
    debtor: Debtor,
    kind: ContactKind,
    value: str,
    cap: str = "",
    municipality: str = "",
    province: str = "",
    country: str = "IT",
) -> tuple[ContactPoint, bool]:
    """A contact point the debtor gives: checked like any other, stored "to verify". Returns (point, created)."""
    if debtor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_debtor(actor, debtor, (DEBTOR_SELF_SERVICE,))
    checked = _contact_point(kind, value, cap, province, country)
    town = " ".join(municipality.split())[:100]
    point, created = _contact_store(tenant, debtor, checked, town, FROM_DEBTOR, ContactStatus.TO_VERIFY.value)
    if not created and point.status in (ContactStatus.WRONG, ContactStatus.UNREACHABLE):
        point.status = ContactStatus.TO_VERIFY.value
        point.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contact.correct",
        obj=point,
        details={"kind": kind.value, "created": created, "status": point.status},
    )
    return point, created


def channels_parse(values: list[str]) -> frozenset[ContactChannel]:
    """The channels named by a form (stable values); an unknown one is refused with its code."""
    out = set()
    for value in values:
        try:
            out.add(ContactChannel(value))
        except ValueError:
            raise DomainError("debtor.bad_channel", value=value[:20]) from None
    return frozenset(out)


@service(DEBTOR_SELF_SERVICE)
@transaction.atomic
def channels_choose(
    *, tenant: Tenant, actor: User, debtor: Debtor, refused: frozenset[ContactChannel]
) -> tuple[frozenset[ContactChannel], frozenset[ContactChannel]]:
    """Record the channels the debtor refuses (all others consented). Returns (before, after)."""
    if debtor.tenant_id != tenant.pk:
        raise DomainError("tenant.mismatch")
    _require_debtor(actor, debtor, (DEBTOR_SELF_SERVICE,))
    try:
        mask = refusal_mask(refused)
    except ValueError as exc:
        raise DomainError("debtor.channel_required", channel=str(exc)) from None
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    before = debtor.channels_refused
    if mask != before:
        debtor.channels_refused = mask
        debtor.save(update_fields=["channels_refused"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="debtor.channels",
        obj=debtor,
        details={"refused": sorted(refused), "before": sorted(refused_channels(before))},
    )
    return refused_channels(before), refused_channels(mask)
