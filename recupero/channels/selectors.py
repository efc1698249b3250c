"""Reads of communications for the interfaces, cut to the cases the actor reaches."""

from __future__ import annotations

from django.db.models import QuerySet

from recupero.channels.models import Communication, PrintBatch
from recupero.core.audit import audit_shown
from recupero.core.domain.roles import RUN_STRATEGIES, VIEW_DOCUMENTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check


def communications_visible(*, tenant: Tenant, actor: User) -> QuerySet[Communication]:
    check(actor, VIEW_DOCUMENTS, tenant)
    return Communication.objects.filter(tenant=tenant).filter(case_q(actor, "case__"))


def communication_get(*, tenant: Tenant, actor: User, communication_id: int) -> Communication:
    """One communication of a case the actor reaches, or "not found"."""
    try:
        qs = communications_visible(tenant=tenant, actor=actor)
    except DomainError as exc:
        raise DomainError("auth.not_found") from exc
    found = qs.filter(pk=communication_id).select_related("case").first()
    if found is None:
        raise DomainError("auth.not_found")
    audit_shown(
        debtor_ids=[found.case.debtor_id],
        case_ids=[found.case_id],
        others=[f"channels.communication#{found.pk}"],
        opened=True,
    )
    return found


def case_communications(*, tenant: Tenant, actor: User, case_id: int) -> list[Communication]:
    qs = communications_visible(tenant=tenant, actor=actor).filter(case_id=case_id)
    return list(qs.order_by("-scheduled_for", "-id"))


def print_batches(*, tenant: Tenant, actor: User, limit: int = 30) -> list[PrintBatch]:
    """The agency's print batches (every creditor's letters in one PDF): for those who run the ladder."""
    check(actor, RUN_STRATEGIES, tenant)
    return list(PrintBatch.objects.filter(tenant=tenant).order_by("-on", "-seq")[:limit])
