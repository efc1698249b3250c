"""Reads of remittances for the pages and the portal, cut to the actor's creditors.

Who reads: the roles that issue remittances (remittance.issue), and the roles that both see creditors and
download documents (parties.view_creditors + channels.view_documents): consultants for their creditors,
auditors, and a creditor's users for their own creditor — who see a remittance only once its files are
written (ready), never a half-issued one. Collectors, field agents and lawyers see none: commission terms are
the agency's business with its client.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

from recupero.core.audit import audit_shown
from recupero.core.domain.roles import ISSUE_REMITTANCE, VIEW_CREDITORS, VIEW_DOCUMENTS, Role, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_q, require
from recupero.parties.models import Creditor
from recupero.remittance.domain.states import RemittanceStatus
from recupero.remittance.models import Remittance, RemittanceLine


def _may_read(actor: User) -> bool:
    return can(actor.role, ISSUE_REMITTANCE) or (
        can(actor.role, VIEW_CREDITORS) and can(actor.role, VIEW_DOCUMENTS)
    )


def remittances_visible(*, tenant: Tenant, actor: User) -> QuerySet[Remittance]:
    check(actor, VIEW_DOCUMENTS if not can(actor.role, ISSUE_REMITTANCE) else ISSUE_REMITTANCE, tenant)
    if not _may_read(actor):
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


def remittance_lines(*, remittance: Remittance, limit: int = 500) -> list[RemittanceLine]:
    """The first lines of a remittance reached through `remittance_get` (the page; the XLSX has them all)."""
    lines = list(
        RemittanceLine.objects.filter(tenant_id=remittance.tenant_id, remittance=remittance)
        .select_related("case", "case__debtor")
        .order_by("case__code", "posted_on", "pk")[:limit]
    )
    audit_shown(debtor_ids=[x.case.debtor_id for x in lines], case_ids=[x.case_id for x in lines])
    return lines


# The downloadable files: (model field, file name, content type, shows debtors' names).
FILES = {
    "pdf": ("statement", "rendiconto-{n}.pdf", "application/pdf", True),
    "xlsx": (
        "workbook",
        "incassi-{n}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
    ),
    "sepa": ("transfer", "bonifico-{n}.xml", "application/xml", False),
    "fattura": ("invoice", "fattura-provvigioni-{n}.xml", "application/xml", False),
}


def remittance_file(
    *, tenant: Tenant, actor: User, remittance_id: int, fmt: str
) -> tuple[FieldFile, str, str]:
    """One file of a remittance the actor may read: (file, download name, content type); else not found."""
    remittance = remittance_get(tenant=tenant, actor=actor, remittance_id=remittance_id)
    if fmt not in FILES:
        raise DomainError("auth.not_found")
    field, name, content_type, personal = FILES[fmt]
    stored: FieldFile = getattr(remittance, field)
    if not stored.name:
        raise DomainError("auth.not_found")
    if personal:  # the statement and the workbook name the debtors
        rows = RemittanceLine.objects.filter(tenant=tenant, remittance=remittance)
        audit_shown(case_ids=rows.values_list("case_id", flat=True).distinct())
    return stored, name.format(n=remittance.number.replace("/", "-")), content_type


def remittance_creditors(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors a remittance may be built for by this actor (the build form)."""
    require(actor, ISSUE_REMITTANCE)
    check(actor, ISSUE_REMITTANCE, tenant)
    return Creditor.objects.filter(tenant=tenant).filter(creditor_q(actor)).order_by("name")
