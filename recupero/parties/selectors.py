"""Reads of creditors and debtors for the interfaces, scoped by tenant and by the actor's role."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Collate

from recupero.core.domain.roles import VIEW_CASES, VIEW_CREDITORS, VIEW_PERSONAL_DATA
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


def debtor_ids_matching(*, tenant: Tenant, actor: User, text: str, limit: int = 200) -> list[int]:
    """Debtors by codice fiscale or partita IVA (exact) or by name prefix: the auditor's search of the audit log.
    Ids only; the name prefix walks the (tenant_id, search_name) index in byte order (see the model)."""
    check(actor, VIEW_PERSONAL_DATA, tenant)
    clean = " ".join(text.split())
    upper = clean.upper()
    qs = Debtor.objects.filter(tenant=tenant)
    if len(upper) == 16 and upper.isalnum():
        qs = qs.filter(tax_code=upper)
    elif len(upper) == 11 and upper.isdigit():
        qs = qs.filter(vat_number=upper) | qs.filter(tax_code=upper)
    else:
        prefix = clean.lower()
        name = Collate("search_name", "C") if connection.vendor == "postgresql" else F("search_name")
        qs = qs.annotate(_name=name).filter(_name__gte=prefix, _name__lt=prefix + "\U0010ffff")
    return list(qs.order_by().values_list("id", flat=True)[:limit])
