"""Reads of creditors and debtors for the interfaces, scoped by tenant and by the actor's role."""

from __future__ import annotations

from django.db.models import QuerySet

from recupero.core.domain.roles import VIEW_CASES, VIEW_CREDITORS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_q
from recupero.parties.models import ContactPoint, Creditor, Debtor, Mandate


def creditors_visible(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors whose cases the actor reaches (filters, forms): no capability beyond seeing cases."""
    check(actor, VIEW_CASES, tenant)
    return Creditor.objects.filter(tenant=tenant).filter(creditor_q(actor)).order_by("name")


def creditor_get(*, tenant: Tenant, actor: User, creditor_id: int) -> Creditor:
    check(actor, VIEW_CREDITORS, tenant)
    creditor = creditors_visible(tenant=tenant, actor=actor).filter(pk=creditor_id).first()
    if creditor is None:
        raise DomainError("auth.not_found")
    return creditor


def mandates_of(*, tenant: Tenant, creditor: Creditor) -> QuerySet[Mandate]:
    return Mandate.objects.filter(tenant=tenant, creditor=creditor).order_by("-starts_on")


def creditor_list(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors page: a creditor's user sees its own creditor, a consultant the assigned ones."""
    check(actor, VIEW_CREDITORS, tenant)
    return creditors_visible(tenant=tenant, actor=actor)


def contacts_of(*, tenant: Tenant, debtor: Debtor) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(tenant=tenant, debtor=debtor).order_by("kind", "id")
