"""Reads of creditors and debtors for the interfaces, scoped by tenant and by the actor's role."""

from __future__ import annotations

from django.db.models import QuerySet

from recupero.core.domain.roles import VIEW_CREDITORS, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require
from recupero.parties.models import Creditor, Mandate


def creditors_visible(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    qs = Creditor.objects.filter(tenant=tenant).order_by("name")
    if actor.role == Role.CREDITOR_USER:
        return qs.filter(pk=actor.creditor_id or -1)
    if actor.role == Role.CONSULTANT:
        return qs.filter(consultants=actor)
    return qs


def creditor_get(*, tenant: Tenant, actor: User, creditor_id: int) -> Creditor:
    require(actor, VIEW_CREDITORS) if actor.role != Role.CREDITOR_USER else None
    creditor = creditors_visible(tenant=tenant, actor=actor).filter(pk=creditor_id).first()
    if creditor is None:
        raise DomainError("auth.not_found")
    return creditor


def mandates_of(*, tenant: Tenant, creditor: Creditor) -> QuerySet[Mandate]:
    return Mandate.objects.filter(tenant=tenant, creditor=creditor).order_by("-starts_on")
