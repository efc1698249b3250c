"""What a creditor downloads from its portal: remittance statements (PDF, XLSX) and commission invoices
(FatturaPA XML) of its issued remittances, the outcomes file (esiti) of each assignment, and the letters sent on
its cases. Every list is cut to the actor; every file that names debtors leaves an audit row (the remittance and
letter files through their own selectors, the outcomes file here)."""

from __future__ import annotations

from dataclasses import dataclass

from recupero.cases.models import Assignment, Case
from recupero.channels.models import Communication
from recupero.channels.selectors import communications_visible
from recupero.core.audit import audit_shown
from recupero.core.domain.roles import VIEW_DOCUMENTS
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check
from recupero.imports import returns
from recupero.imports.staging import safe_name
from recupero.remittance.models import Remittance
from recupero.remittance.selectors import remittances_visible
from recupero.reporting.selectors import assignments_named, scope_q

LETTERS_SHOWN = 50
REMITTANCES_SHOWN = 24
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Downloads:
    remittances: list[Remittance]
    assignments: list[Assignment]
    letters: list[Communication]


def portal_downloads(*, tenant: Tenant, actor: User) -> Downloads:
    """The newest issued remittances, every assignment (its outcomes file) and the newest letters with a
    document; the letters name debtors, so the page is an audited read."""
    check(actor, VIEW_DOCUMENTS, tenant)
    try:
        remittances = list(remittances_visible(tenant=tenant, actor=actor)[:REMITTANCES_SHOWN])
    except DomainError:  # a role that reads documents but no creditor's money (collectors, lawyers)
        remittances = []
    letters = list(
        communications_visible(tenant=tenant, actor=actor)
        .exclude(document="")
        .select_related("case", "case__debtor")
        .order_by("-pk")[:LETTERS_SHOWN]
    )
    audit_shown(debtor_ids=[c.case.debtor_id for c in letters], case_ids=[c.case_id for c in letters])
    return Downloads(remittances, assignments_named(tenant=tenant, actor=actor), letters)


def outcomes_file(*, tenant: Tenant, actor: User, assignment_id: int, fmt: str) -> tuple[bytes, str, str]:
    """The outcomes file (esiti) of one assignment the actor reaches, as it stands today: (content, file
    name, content type). The same rows as the file written at the return (`imports.returns`)."""
    check(actor, VIEW_DOCUMENTS, tenant)
    assignment = Assignment.objects.filter(tenant=tenant, pk=assignment_id).filter(scope_q(actor)).first()
    if assignment is None or fmt not in ("csv", "xlsx"):
        raise DomainError("auth.not_found")
    rows = returns.outcome_rows(tenant=tenant, assignment=assignment)
    audit_shown(
        case_ids=Case.objects.filter(tenant=tenant, assignment=assignment).values_list("pk", flat=True)
    )
    name = f"esiti-{safe_name(assignment.code)}.{fmt}"
    if fmt == "csv":
        return returns.outcomes_csv(rows), name, "text/csv; charset=utf-8"
    return returns.outcomes_xlsx(rows), name, XLSX
