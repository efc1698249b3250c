"""Reads of remittances for the pages and the portal, cut to the actor's creditors.

Who reads: the roles that issue remittances (remittance.issue), and the roles that both see creditors and
download documents (parties.view_creditors + channels.view_documents): consultants for their creditors,
auditors, and a creditor's users for their own creditor — who see a remittance only once its files are
written (ready), never a half-issued one. Collectors, field agents and lawyers see none: commission terms are
the agency's business with its client.
"""

from __future__ import annotations

from django.db.models import QuerySet

from recupero.core.domain.roles import ISSUE_REMITTANCE, VIEW_CREDITORS, VIEW_DOCUMENTS, Role, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_q, require
from recupero.parties.models import Creditor
from recupero.remittance.domain.states import RemittanceStatus
from recupero.remittance.models import Remittance, RemittanceLine


def may_read(actor: User) -> bool:
    return can(actor.role, ISSUE_REMITTANCE) or (
        can(actor.role, VIEW_CREDITORS) and can(actor.role, VIEW_DOCUMENTS)
    )


def remittances_visible(*, tenant: Tenant, actor: User) -> QuerySet[Remittance]:
    check(actor, VIEW_DOCUMENTS if not can(actor.role, ISSUE_REMITTANCE) else ISSUE_REMITTANCE, tenant)
    if not may_read(actor):
        raise DomainError("auth.forbidden")
    found = Remittance.objects.filter(tenant=tenant).filter(creditor_q(actor, "creditor_id"))
    if actor.role == Role.CREDITOR_USER.value:
        found = found.filter(status=RemittanceStatus.READY.value)
    return found.select_related("creditor").order_by("-pk")


def remittance_get(*, tenant: Tenant, actor: User, remittance_id: int) -> Remittance:
    found = remittances_visible(tenant=tenant, actor=actor).filter(pk=remittance_id).first()
    if found is None:
        raise DomainError("auth.not_found")
    return found


def remittance_lines(*, remittance: Remittance) -> QuerySet[RemittanceLine]:
    """The lines of a remittance reached through `remittance_get`."""
    return (
        RemittanceLine.objects.filter(tenant_id=remittance.tenant_id, remittance=remittance)
        .select_related("case", "case__debtor")
        .order_by("case__code", "posted_on", "pk")
    )


def remittance_creditors(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors a remittance may be built for by this actor (the build form)."""
    require(actor, ISSUE_REMITTANCE)
    check(actor, ISSUE_REMITTANCE, tenant)
    return Creditor.objects.filter(tenant=tenant).filter(creditor_q(actor)).order_by("name")
