"""Reads of creditors and debtors for the interfaces, scoped by tenant and by the actor's role."""

from __future__ import annotations

from django.db.models import QuerySet

from recupero.core.domain.roles import VIEW_CREDITORS, Role
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import require
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate


def creditors_visible(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    qs = Creditor.objects.filter(tenant=tenant).order_by("name")
    if actor.role == Role.CREDITOR_USER:
        return qs.filter(pk=actor.creditor_id or -1)
    if actor.role == Role.CONSULTANT:
        return qs.filter(consultants=actor)
    return qs


def creditor_get(*, tenant: Tenant, actor: User, creditor_id: int) -> Creditor:
    if actor.role != Role.CREDITOR_USER:
        require(actor, VIEW_CREDITORS)
    creditor = creditors_visible(tenant=tenant, actor=actor).filter(pk=creditor_id).first()
    if creditor is None:
        raise DomainError("auth.not_found")
    return creditor


def mandates_of(*, tenant: Tenant, creditor: Creditor) -> QuerySet[Mandate]:
    return Mandate.objects.filter(tenant=tenant, creditor=creditor).order_by("-starts_on")


def creditor_list(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors page: agency roles need VIEW_CREDITORS; a creditor's user sees its own creditor."""
    if actor.role != Role.CREDITOR_USER:
        require(actor, VIEW_CREDITORS)
    return creditors_visible(tenant=tenant, actor=actor)


def contacts_of(*, tenant: Tenant, debtor: Debtor) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(tenant=tenant, debtor=debtor).order_by("kind", "id")
